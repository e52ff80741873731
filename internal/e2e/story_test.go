package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// phonePhoto writes a JPEG as a phone takes it — GPS, camera, author — and
// returns its path.
func phonePhoto(t *testing.T) string {
	t.Helper()
	exiftool, err := exec.LookPath("exiftool")
	if err != nil {
		if os.Getenv("CUBBY_REQUIRE_EXIFTOOL") == "1" {
			t.Fatal("exiftool is required (apt-get install libimage-exiftool-perl)")
		}
		t.Skip("exiftool not installed: the story browser test needs it to write and check metadata")
	}
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for y := range 600 {
		for x := range 800 {
			img.Set(x, y, color.RGBA{uint8(x / 4), uint8(y / 3), 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "IMG_2041.jpg")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(exiftool, "-overwrite_original", "-GPSLatitude=44.9778", "-GPSLatitudeRef=N", "-GPSLongitude=93.2650",
		"-GPSLongitudeRef=W", "-Make=PhoneCo", "-Model=Pocket 12", "-XMP-dc:Creator=Rosa Alvarez", path).CombinedOutput(); err != nil {
		t.Fatalf("exiftool: %v %s", err, out)
	}
	if !strings.Contains(exifJSON(t, path), "GPSLatitude") {
		t.Fatal("the test photo carries no GPS")
	}
	return path
}

func exifJSON(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("exiftool", "-j", "-G", "-a", "-u", path).Output()
	if err != nil {
		t.Fatalf("exiftool: %v", err)
	}
	return string(out)
}

// storedMetadata reads every stored file of the post's photos through
// exiftool and returns the metadata tags found.
func storedMetadata(t *testing.T, env *testenv.Env, postID int64) []string {
	t.Helper()
	atts, err := store.AttachmentsOfPost(context.Background(), env.DB.R, postID)
	if err != nil || len(atts) == 0 {
		t.Fatalf("attachments of post %d: %v %v", postID, atts, err)
	}
	var found []string
	for _, at := range atts {
		for _, key := range []string{at.FileKey, at.FileKey + ".thumb"} {
			r, err := env.Files.Open(key)
			if err != nil {
				t.Fatalf("stored file %s: %v", key, err)
			}
			path := filepath.Join(t.TempDir(), "stored.jpg")
			f, _ := os.Create(path)
			io.Copy(f, r)
			f.Close()
			r.Close()
			var list []map[string]any
			if err := json.Unmarshal([]byte(exifJSON(t, path)), &list); err != nil {
				t.Fatal(err)
			}
			for k := range list[0] {
				g, _, _ := strings.Cut(k, ":")
				if g == "EXIF" || g == "GPS" || g == "XMP" || g == "MakerNotes" || g == "IPTC" {
					found = append(found, k)
				}
			}
		}
	}
	return found
}

// The stories' "done when", in a browser, on a phone in English and on a
// desktop in Arabic: a teacher posts a photo carrying GPS EXIF and the
// stored file has none; a post tagging a child without media consent is
// refused, naming the child; a parent sees the post in their feed, likes
// and comments; the teacher switches comments off and the comment box is
// gone; a leader posts to School Story with their title shown.
func TestStoriesInABrowser(t *testing.T) {
	for _, c := range []struct {
		name, lang, accept string
		size               [2]int64
	}{{"phone-en", "en", "en-US", phone}, {"desktop-ar", "ar", "ar", desktop}} {
		t.Run(c.name, func(t *testing.T) {
			photo := phonePhoto(t)
			env := testenv.New(t, engine(t))
			ctx := context.Background()
			for _, who := range []string{demo.TeacherEmail, demo.ParentEmail, demo.LeaderEmail} {
				u, err := store.UserByEmail(ctx, env.DB.R, who)
				if err != nil {
					t.Fatal(err)
				}
				if err := store.SetUserLanguage(ctx, env.DB.W, u.ID, c.lang, env.App.Now()); err != nil {
					t.Fatal(err)
				}
			}
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			ids := map[string]int64{}
			for _, st := range roster {
				ids[st.FirstName] = st.ID
			}
			check := func(b *browser, name string) {
				b.eval(`(() => { const d = document.querySelector(".story-tags details"); if (d) d.open = true;
					document.querySelector('input[name=student_id][value="` + strconv.FormatInt(ids[name], 10) + `"]').checked = true; return "" })()`)
			}

			// The teacher tags Mateo, whose family gave no photo consent.
			teacher := newBrowser(t, c.size, c.accept)
			teacher.login(env.URL, demo.TeacherEmail, demo.Password)
			teacher.do(chromedp.Navigate(env.URL+"/classes/1/story"), chromedp.WaitVisible(chromedp.CSS("[data-story-compose]")))
			if !strings.Contains(teacher.text(".story-noconsent"), "Mateo") {
				t.Error("the composer does not say Mateo has no photo consent")
			}
			teacher.fill("story-text", "Pond dipping this morning")
			teacher.do(chromedp.SetUploadFiles(chromedp.ID("story-files"), []string{photo}))
			check(teacher, "Mateo")
			teacher.do(chromedp.Click(chromedp.CSS(`[data-story-compose] button[type=submit]`)))
			teacher.waitUntil("the refusal names Mateo", `[...document.querySelectorAll(".field-error")].some(e => e.textContent.includes("Mateo"))`)
			teacher.shot("refused-no-consent")
			var posts int
			env.DB.R.QueryRow(`SELECT count(*) FROM story_posts WHERE body = 'Pond dipping this morning'`).Scan(&posts)
			if posts != 0 {
				t.Fatal("the refused post was stored")
			}

			// Untagged, with Ava (who has consent) instead: posted, and
			// shown once the photo is ready.
			teacher.do(chromedp.SetUploadFiles(chromedp.ID("story-files"), []string{photo}))
			teacher.eval(`document.querySelectorAll('input[name=student_id]').forEach(i => i.checked = false), ""`)
			check(teacher, "Ava")
			teacher.do(chromedp.Click(chromedp.CSS(`[data-story-compose] button[type=submit]`)))
			teacher.waitUntil("the post with its photo", `!document.querySelector("[data-processing]") && [...document.querySelectorAll(".story-photos img")].some(i => i.complete && i.naturalWidth > 0)`)
			teacher.shot("posted")
			var postID int64
			if err := env.DB.R.QueryRow(`SELECT id FROM story_posts WHERE body = 'Pond dipping this morning'`).Scan(&postID); err != nil {
				t.Fatal(err)
			}
			if left := storedMetadata(t, env, postID); len(left) > 0 {
				t.Errorf("the stored photo keeps metadata: %v", left)
			}

			// The parent sees it in the feed, likes and comments.
			parent := newBrowser(t, c.size, c.accept)
			parent.login(env.URL, demo.ParentEmail, demo.Password)
			parent.do(chromedp.Navigate(env.URL+"/stories"), chromedp.WaitVisible(chromedp.CSS("#post-"+strconv.FormatInt(postID, 10))))
			card := "#post-" + strconv.FormatInt(postID, 10)
			parent.waitUntil("the photo in the feed", `[...document.querySelectorAll("`+card+` .story-photos img")].some(i => i.complete && i.naturalWidth > 0)`)
			if !strings.Contains(parent.text(card+" .story-author"), "Alvarez") {
				t.Error("the feed does not name the teacher")
			}
			parent.do(chromedp.Click(chromedp.CSS(card + " .story-like button")))
			parent.waitUntil("the like", `!!document.querySelector("`+card+` .story-like .liked")`)
			parent.fill("comment-"+strconv.FormatInt(postID, 10), "What a lovely morning!")
			parent.do(chromedp.Click(chromedp.CSS(card + " .story-comment-form button")))
			parent.waitUntil("the comment", `[...document.querySelectorAll("`+card+` .story-comment")].some(e => e.textContent.includes("What a lovely morning!"))`)
			parent.shot("feed-liked-commented")

			// The teacher switches the post's comments off: the box goes.
			teacher.do(chromedp.Navigate(env.URL+"/stories/"+strconv.FormatInt(postID, 10)), chromedp.WaitVisible(chromedp.CSS(".story-mod")))
			teacher.do(chromedp.Click(chromedp.CSS(`.story-mod form[action$="/comments-off"] button`)))
			teacher.waitUntil("comments off", `!document.querySelector(".story-comment-form")`)
			parent.do(chromedp.Navigate(env.URL+"/stories"), chromedp.WaitVisible(chromedp.CSS(card)))
			if n := parent.eval(`String(document.querySelectorAll("` + card + ` .story-comment-form").length)`); n != "0" {
				t.Error("the comment box is still offered with comments off")
			}
			if parent.eval(`document.querySelector("`+card+` .story-comments-off") ? "yes" : "no"`) != "yes" {
				t.Error("the parent is not told comments are off")
			}
			parent.shot("comments-off")

			// The leader posts to School Story, shown with their title.
			leader := newBrowser(t, c.size, c.accept)
			leader.login(env.URL, demo.LeaderEmail, demo.Password)
			leader.do(chromedp.Navigate(env.URL+"/schools/1/story"), chromedp.WaitVisible(chromedp.CSS("[data-story-compose]")))
			leader.fill("story-text", "Sports day is on Friday")
			leader.do(chromedp.Click(chromedp.CSS(`[data-story-compose] button[type=submit]`)))
			leader.waitUntil("the school post", `[...document.querySelectorAll(".story")].some(e => e.textContent.includes("Sports day is on Friday"))`)
			// The title is written in the reader's language.
			want := map[string]string{"en": "Dr. Owusu", "ar": "د. Owusu"}[c.lang]
			if got := leader.eval(`[...document.querySelectorAll(".story")].find(e => e.textContent.includes("Sports day")).querySelector(".story-author").textContent`); got != want {
				t.Errorf("the school post's author shows as %q, want %q", got, want)
			}
			leader.shot("school-story")
			parent.do(chromedp.Navigate(env.URL+"/stories"), chromedp.WaitVisible(chromedp.CSS(".story")))
			if !strings.Contains(parent.text(".story-list"), "Sports day is on Friday") {
				t.Error("the parent's feed lacks the School Story post")
			}
			parent.shot("feed-school-story")
			teacher.expectErrorStatus(400, "/classes/1/story") // the refused post, shown again on purpose
		})
	}
}
