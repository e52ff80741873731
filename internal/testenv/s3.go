package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"cubby/internal/files"
)

// EnvRequireS3 makes a missing weed (SeaweedFS) fail tests instead of
// skipping them; .ci/run sets it after installing weed.
const EnvRequireS3 = "CUBBY_REQUIRE_S3"

// weedInstall is how .ci/run and a developer install the server (the
// module's go.mod has a replace directive, so `go install …@version` is
// refused and it is built in the module's own folder instead).
const weedInstall = "go mod download github.com/seaweedfs/seaweedfs@v0.0.0-20261109003541-7506e5f91cd6 && " +
	"(cd \"$(go env GOMODCACHE)/github.com/seaweedfs/seaweedfs@v0.0.0-20261109003541-7506e5f91cd6\" && go install ./weed)"

// S3Server is a real S3-compatible object store (SeaweedFS's weed: master,
// volume, filer and S3 gateway in one process) started for a test, on
// loopback ports of its own with its data in the test's folder. Each
// NewBucket gives a test a bucket of its own on it.
type S3Server struct {
	Endpoint             string // host:port of the S3 API (plain HTTP)
	AccessKey, SecretKey string
	client               *minio.Client
	buckets              atomic.Int64
}

// StartS3 starts weed for t, killed when t ends. Without weed the test is
// skipped with how to install it — or fails, when CUBBY_REQUIRE_S3=1.
func StartS3(t testing.TB) *S3Server {
	t.Helper()
	bin, ok := goBinary("weed")
	if !ok {
		msg := "weed (SeaweedFS, the S3 server the S3 tests use) not found on PATH or in $(go env GOPATH)/bin; install it with: " + weedInstall
		if os.Getenv(EnvRequireS3) == "1" {
			t.Fatalf("%s (%s=1 requires it)", msg, EnvRequireS3)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	s := &S3Server{AccessKey: "cubby-test", SecretKey: "cubby-test-secret/" + randomHex(8)}
	identities := fmt.Sprintf(`{"identities":[{"name":"cubby","credentials":[{"accessKey":%q,"secretKey":%q}],"actions":["Admin","Read","Write","List","Tagging"]}]}`,
		s.AccessKey, s.SecretKey)
	config := filepath.Join(dir, "s3.json")
	if err := os.WriteFile(config, []byte(identities), 0o600); err != nil {
		t.Fatal(err)
	}
	ports := map[string]int{}
	for _, name := range []string{"master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
		"filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port", "admin.port.grpc"} {
		ports[name] = freePort(t)
	}
	args := []string{"mini", "-dir=" + filepath.Join(dir, "data"), "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-s3.config=" + config, "-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false", "-admin.ui=false", "-admin.port.legacy=0",
		"-master.telemetry=false", "-master.volumeSizeLimitMB=64", "-volume.max=200",
		"-filer.localSocket=" + filepath.Join(dir, "filer.sock"), "-s3.localSocket=" + filepath.Join(dir, "s3.sock")}
	for name, p := range ports {
		args = append(args, fmt.Sprintf("-%s=%d", name, p))
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o750); err != nil {
		t.Fatal(err)
	}
	logs := &SyncBuffer{}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logs, logs
	// One volume per bucket rather than seven (master.toml's
	// volume_growth.copy_1): each bucket is a collection of volumes, and
	// tests make many small buckets.
	cmd.Env = append(os.Environ(), "WEED_MASTER_VOLUME_GROWTH_COPY_1=1")
	cmd.SysProcAttr = dieWithParent()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start weed: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		// Killed outright: its data is the test's and goes with it, and a
		// graceful stop waits seconds for volume servers.
		cmd.Process.Kill()
		<-exited
		for name, p := range ports { // the gRPC sockets weed puts in /tmp by port
			if strings.HasSuffix(name, ".grpc") {
				kind := strings.TrimSuffix(name, ".port.grpc")
				os.Remove(fmt.Sprintf("/tmp/seaweedfs-%s-grpc-%d.sock", kind, p))
			}
		}
		os.Remove(fmt.Sprintf("/tmp/seaweedfs-filer-%d.sock", ports["filer.port"]))
		if t.Failed() {
			t.Logf("weed's log:\n%s", logs.String())
		}
	})
	s.Endpoint = fmt.Sprintf("127.0.0.1:%d", ports["s3.port"])
	client, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""), MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	s.client = client
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("weed exited at start:\n%s", logs.String())
		default:
		}
		if s.ready() {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("weed's S3 API did not answer within 60s:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ready is true once the server stores an object: its S3 API answers
// before the filer behind it does, and the filer before the volume server
// has joined the master.
func (s *S3Server) ready() bool {
	resp, err := http.Get("http://" + s.Endpoint + "/")
	if err != nil {
		return false
	}
	resp.Body.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	const bucket = "cubby-ready"
	if err := s.client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil && minio.ToErrorResponse(err).Code != "BucketAlreadyOwnedByYou" {
		return false
	}
	if _, err := s.client.PutObject(ctx, bucket, "ready", strings.NewReader("ready"), 5, minio.PutObjectOptions{}); err != nil {
		return false
	}
	return true
}

// NewBucket makes an empty bucket and returns its settings, as
// CUBBY_FILES_URL=s3://…/bucket with the server's keys would give them.
func (s *S3Server) NewBucket(t testing.TB) files.S3Config {
	t.Helper()
	name := fmt.Sprintf("cubby-test-%d-%s", s.buckets.Add(1), randomHex(4))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.client.MakeBucket(ctx, name, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("make bucket %s: %v", name, err)
	}
	return files.S3Config{Endpoint: s.Endpoint, Bucket: name, AccessKey: s.AccessKey, SecretKey: s.SecretKey}
}

// Objects lists every object name in a bucket, whatever the prefix: what
// a test checks is left behind.
func (s *S3Server) Objects(t testing.TB, bucket string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var names []string
	for o := range s.client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			t.Fatalf("list %s: %v", bucket, o.Err)
		}
		names = append(names, o.Key)
	}
	return names
}

// goBinary finds a program on PATH or in $(go env GOPATH)/bin, where go
// install puts it.
func goBinary(name string) (string, bool) {
	if p, err := exec.LookPath(name); err == nil {
		return p, true
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, true
		}
	}
	return "", false
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
