package files

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	t.Parallel()
	ok := []struct {
		raw, access, secret string
		want                Location
		where               string
	}{
		{"", "", "", Location{Dir: filepath.Join("/data", "files")}, "/data/files"},
		{"file:///mnt/cubby-files/", "", "", Location{Dir: "/mnt/cubby-files"}, "/mnt/cubby-files"},
		{"s3://s3.eu-central-1.amazonaws.com/school-files?region=eu-central-1", "AKIA", "se/cr+et", Location{S3: &S3Config{
			Endpoint: "s3.eu-central-1.amazonaws.com", Secure: true, Region: "eu-central-1", Bucket: "school-files", AccessKey: "AKIA", SecretKey: "se/cr+et"}},
			"s3://s3.eu-central-1.amazonaws.com/school-files?region=eu-central-1"},
		{"s3://AKIA:se%2Fcr+et@127.0.0.1:8333/cubby/district/one/?tls=false", "", "", Location{S3: &S3Config{
			Endpoint: "127.0.0.1:8333", Bucket: "cubby", Prefix: "district/one/", AccessKey: "AKIA", SecretKey: "se/cr+et"}},
			"s3://127.0.0.1:8333/cubby/district/one?tls=false"},
	}
	for _, c := range ok {
		got, err := ParseURL(c.raw, c.access, c.secret, "/data")
		if err != nil {
			t.Errorf("%q: %v", c.raw, err)
			continue
		}
		if (got.S3 == nil) != (c.want.S3 == nil) || got.Dir != c.want.Dir || (got.S3 != nil && *got.S3 != *c.want.S3) {
			t.Errorf("%q: got %+v %+v, want %+v %+v", c.raw, got, got.S3, c.want, c.want.S3)
		}
		if w := got.Where(); w != c.where {
			t.Errorf("%q: Where %q, want %q", c.raw, w, c.where)
		}
	}
	bad := []struct{ raw, access, secret, says string }{
		{"", "AKIA", "", "CUBBY_FILES_URL is not an s3:// URL"},
		{"https://s3.example.org/bucket", "", "", "must be s3://"},
		{"s3://host/bucket", "", "", "needs an access key and a secret key"},
		{"s3://AKIA@host/bucket", "", "", "needs an access key and a secret key"},
		{"s3://AKIA:s3cret-key@host/bucket", "AKIA2", "other-s3cret", "give the keys in one place"},
		{"s3:///bucket", "a", "b", "has no host"},
		{"s3://host:99999/bucket", "a", "b", "port"},
		{"s3://host/", "a", "b", "is not a bucket name"},
		{"s3://host/Bad_Bucket", "a", "b", "is not a bucket name"},
		{"s3://host/bucket/../up", "a", "b", "plain path"},
		{"s3://host/bucket?tls=maybe", "a", "b", "tls= must be true"},
		{"s3://host/bucket?sslmode=off", "a", "b", `unknown setting "sslmode"`},
		{"s3://AKIA:s3cret/key@host/bucket", "", "", "percent-encoded"},
		{"s3://AKIA:s3cret-key@host:port/bucket", "", "", "not a URL"},
		{"file://relative/folder", "", "", "file:///absolute/path"},
		{"file:///srv/files", "a", "b", "needs no keys"},
	}
	for _, c := range bad {
		_, err := ParseURL(c.raw, c.access, c.secret, "/data")
		if err == nil {
			t.Errorf("%q: accepted", c.raw)
			continue
		}
		if !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q: %v, want it to say %q", c.raw, err, c.says)
		}
		for _, secret := range []string{"s3cret", "other-s3cret"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%q: the message repeats the secret: %v", c.raw, err)
			}
		}
	}
}
