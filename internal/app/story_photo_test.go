package app_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/files"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// gpsPhoto is a JPEG as a phone takes it: EXIF with GPS, camera make and
// model, a maker note and XMP, written by Debian's exiftool.
func gpsPhoto(t *testing.T) []byte {
	t.Helper()
	exiftool := requireExiftool(t)
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := range 480 {
		for x := range 640 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	path := filepath.Join(t.TempDir(), "phone.jpg")
	var buf bytes.Buffer
	must(t, jpeg.Encode(&buf, img, nil))
	must(t, os.WriteFile(path, buf.Bytes(), 0o600))
	out, err := exec.Command(exiftool, "-overwrite_original", "-GPSLatitude=44.9778", "-GPSLatitudeRef=N", "-GPSLongitude=93.2650",
		"-GPSLongitudeRef=W", "-Make=PhoneCo", "-Model=Pocket 12", "-Orientation#=6", "-XMP-dc:Creator=Ms. Alvarez", "-Artist=Ms. Alvarez", path).CombinedOutput()
	if err != nil {
		t.Fatalf("exiftool: %v %s", err, out)
	}
	b, err := os.ReadFile(path)
	must(t, err)
	if tags := exifTags(t, b); tags["EXIF:GPSLatitude"] == nil || tags["EXIF:Make"] == nil {
		t.Fatalf("the test photo has no GPS: %v", tags)
	}
	return b
}

func requireExiftool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("exiftool")
	if err != nil {
		if os.Getenv("CUBBY_REQUIRE_EXIFTOOL") == "1" {
			t.Fatal("exiftool is required (apt-get install libimage-exiftool-perl)")
		}
		t.Skip("exiftool not installed (apt-get install libimage-exiftool-perl): photo metadata tests skipped")
	}
	return p
}

// exifTags reads every tag exiftool finds, by group:name.
func exifTags(t *testing.T, b []byte) map[string]any {
	t.Helper()
	path := filepath.Join(t.TempDir(), "check")
	must(t, os.WriteFile(path, b, 0o600))
	out, err := exec.Command(requireExiftool(t), "-j", "-G", "-a", "-u", path).Output()
	if err != nil {
		t.Fatalf("exiftool: %v", err)
	}
	var list []map[string]any
	must(t, json.Unmarshal(out, &list))
	return list[0]
}

// metadataLeft lists the tags of groups that carry metadata.
func metadataLeft(tags map[string]any) []string {
	var out []string
	for k := range tags {
		g, _, _ := strings.Cut(k, ":")
		switch g {
		case "EXIF", "GPS", "XMP", "MakerNotes", "IPTC", "ICC_Profile", "Photoshop":
			out = append(out, k)
		}
	}
	return out
}

// hugePNG is a PNG whose header says 20,000 × 20,000 pixels: a
// decompression bomb is refused from its header.
func hugePNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	must(t, png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))))
	b := buf.Bytes()
	// IHDR's data starts at 16: width, height; its CRC covers type + data.
	binary.BigEndian.PutUint32(b[16:], 20000)
	binary.BigEndian.PutUint32(b[20:], 20000)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func storyFile(name string, b []byte) app.StoryFile {
	return app.StoryFile{Name: name, Body: bytes.NewReader(b)}
}

// storyStores are the places a story test keeps its files: a folder on
// each engine, and an S3 bucket on a real S3 server (SeaweedFS, see
// testenv.StartS3), so the media pipeline's promises — nothing of an
// upload or a refused file left behind — hold for both stores.
type storyStore struct {
	name string
	d    db.Dialect
	s3   bool
}

func storyStores(t *testing.T) []storyStore {
	var out []storyStore
	for _, d := range dbtest.Engines(t) {
		out = append(out, storyStore{name: string(d), d: d})
	}
	return append(out, storyStore{name: "sqlite+s3", d: db.SQLite, s3: true})
}

// env starts Cubby for the case, with a new bucket when it is the S3 one.
func (c storyStore) env(t *testing.T) *testenv.Env {
	t.Helper()
	if !c.s3 {
		return testenv.New(t, c.d)
	}
	bucket, err := files.NewS3(testenv.StartS3(t).NewBucket(t))
	must(t, err)
	return testenv.New(t, c.d, testenv.WithFiles(bucket))
}

// storedKeys lists what the file store holds under story/.
func storedKeys(t *testing.T, env *testenv.Env) []string {
	t.Helper()
	var keys []string
	must(t, env.Files.Walk(func(k string) error {
		if strings.HasPrefix(k, "story/") {
			keys = append(keys, k)
		}
		return nil
	}))
	return keys
}

// A photo straight from a phone is stored without any metadata, upright,
// with its thumbnail; the post reaches families only once it is ready.
func TestStoryPhotoLosesItsMetadata(t *testing.T) {
	for _, c := range storyStores(t) {
		t.Run(c.name, func(t *testing.T) {
			env := c.env(t)
			w, a := newStoryWorld(t, env), env.App
			a.Stories.TempDir = t.TempDir()
			photo := gpsPhoto(t)
			p, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "Pond dipping", Files: []app.StoryFile{storyFile("IMG_0042.jpg", photo)}})
			must(t, err)
			a.WaitJobs()
			it, err := a.StoryPost(w.ctx, w.parent, p.ID)
			must(t, err)
			if it.Post.PublishedAt == nil || len(it.Attachments) != 1 || it.Attachments[0].Status != store.AttachReady {
				t.Fatalf("after processing: %+v", it)
			}
			at := it.Attachments[0]
			if at.Width != 480 || at.Height != 640 {
				t.Errorf("orientation not applied: %d×%d", at.Width, at.Height)
			}
			for _, variant := range []string{"", "thumb"} {
				f, err := a.OpenStoryFile(w.ctx, w.parent, at.PublicID, variant)
				must(t, err)
				var b bytes.Buffer
				b.ReadFrom(f)
				f.Close()
				if left := metadataLeft(exifTags(t, b.Bytes())); len(left) > 0 {
					t.Errorf("variant %q keeps metadata: %v", variant, left)
				}
				if bytes.Contains(b.Bytes(), []byte("PhoneCo")) || bytes.Contains(b.Bytes(), []byte("Alvarez")) {
					t.Errorf("variant %q keeps the camera's or author's name", variant)
				}
			}
			// Nothing of the upload is left: not in the store, not on disk.
			for _, k := range storedKeys(t, env) {
				if !strings.HasPrefix(k, at.FileKey) {
					t.Errorf("left in the store: %s", k)
				}
			}
			if left, _ := os.ReadDir(a.Stories.TempDir); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
			// Someone who may not see the post gets no file.
			if _, err := a.OpenStoryFile(w.ctx, w.mayaParent, at.PublicID, ""); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another class's parent opens the photo: %v", err)
			}
		})
	}
}

// Bad files are refused with a clear message and leave nothing behind.
func TestStoryBadFiles(t *testing.T) {
	for _, c := range storyStores(t) {
		t.Run(c.name, func(t *testing.T) {
			env := c.env(t)
			w, a := newStoryWorld(t, env), env.App
			a.Stories.TempDir = t.TempDir()
			a.Stories.MaxFileSize = 1 << 20
			var before int
			must(t, env.DB.R.QueryRow(`SELECT count(*) FROM story_posts`).Scan(&before))
			elf := append([]byte("\x7fELF\x02\x01\x01"), bytes.Repeat([]byte{0}, 200)...)
			cases := []struct {
				name string
				file app.StoryFile
				key  string
			}{
				{"a renamed executable", storyFile("holiday.jpg", elf), "media.executable"},
				{"an SVG", storyFile("drawing.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)), "media.svg"},
				{"an HTML page", storyFile("photo.jpg", []byte("<!doctype html><html><body>hi</body></html>")), "media.markup"},
				{"a corrupt image", storyFile("broken.jpg", []byte("\xff\xd8\xff\xe0 this is not really a jpeg")), ""},
				{"a 20,000 × 20,000 PNG", storyFile("bomb.png", hugePNG(t)), "media.too_many_pixels"},
				{"a file over the limit", storyFile("big.jpg", bytes.Repeat([]byte("x"), 2<<20)), "story.file_too_large"},
				{"an empty file", storyFile("empty.jpg", nil), "story.file_empty"},
			}
			for _, c := range cases {
				_, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "x", Files: []app.StoryFile{c.file}})
				var ve *app.ValidationError
				if !errors.As(err, &ve) || (c.key != "" && ve.Fields["files"].Key != c.key) || ve.Fields["files"].Key == "" {
					t.Errorf("%s: %v", c.name, err)
				}
			}
			var n int
			must(t, env.DB.R.QueryRow(`SELECT count(*) FROM story_posts`).Scan(&n))
			if n != before {
				t.Errorf("%d posts stored by refused files", n-before)
			}
			if keys := storedKeys(t, env); len(keys) > 0 {
				t.Errorf("files left in the store: %v", keys)
			}
			if left, _ := os.ReadDir(a.Stories.TempDir); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
			// An upload ahead of its post is checked the same way.
			if _, err := a.UploadStoryFile(context.Background(), w.teacher, 0, w.class3, storyFile("x.jpg", elf)); err == nil {
				t.Error("an executable uploaded ahead of its post")
			}
		})
	}
}
