package media

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The samples in testdata were made with Debian's ffmpeg from its test
// sources, with a title, an artist, a comment and a location written in
// (see TestStripVideo for the check that they are there).

func copyTestdata(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "upload-"+name)
	if err := os.WriteFile(p, readTestdata(t, name), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// personal lists the tags in a video's or recording's metadata that say
// something about who, where or when.
func personal(tags map[string]any) []string {
	var bad []string
	for _, k := range tagsLike(tags, "GPS", "Location", "Title", "Artist", "Comment", "Author", "Encoder", "ID3", "XMP", "Make", "Model", "UserData") {
		bad = append(bad, k)
	}
	for _, k := range tagsLike(tags, "CreateDate", "ModifyDate") {
		if v, _ := tags[k].(string); !strings.HasPrefix(k, "File:") && !strings.HasPrefix(v, "0000:00:00") { // File: is the disk's, not the file's
			bad = append(bad, k+"="+v)
		}
	}
	all, _ := json.Marshal(tags)
	for _, s := range []string{"Class trip", "Ms Rivera", "secret", "Voice", "48.85", "Lavf5"} {
		if strings.Contains(string(all), s) {
			bad = append(bad, "names "+s)
		}
	}
	return bad
}

func TestStripVideo(t *testing.T) {
	needTool(t, "ffmpeg", "ffprobe", "exiftool")
	cases := []struct {
		file, mime, codec string
		gps               bool
	}{
		{"video.mp4", MimeMP4, "h264", true},
		{"video.mov", MimeMP4, "h264", true},
		{"video.webm", MimeWebM, "vp9", false},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			src := copyTestdata(t, c.file)
			before := exiftoolFile(t, src)
			if len(personal(before)) == 0 || c.gps && len(tagsLike(before, "GPS")) == 0 {
				t.Fatalf("sample carries nothing to remove: %v", before)
			}
			dst := filepath.Join(t.TempDir(), "out")
			info, err := StripVideo(t.Context(), src, dst, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if info.Mime != c.mime || info.VideoCodec != c.codec || info.Width != 160 || info.Height != 120 ||
				info.Duration < 900*time.Millisecond || info.Duration > 1200*time.Millisecond {
				t.Fatalf("info %+v", info)
			}
			if bad := personal(exiftoolFile(t, dst)); len(bad) > 0 {
				t.Fatalf("stripped video still has %v", bad)
			}
			data, _ := os.ReadFile(dst)
			if kind, mime, err := Sniff(data); err != nil || kind != KindVideo || mime != c.mime && !(c.mime == MimeMP4 && mime == MimeMP4) {
				t.Fatalf("output sniffs as %v %s %v", kind, mime, err)
			}
			if c.mime == MimeMP4 && !moovBeforeMdat(data) {
				t.Fatal("no +faststart: the index comes after the data")
			}
		})
	}
}

// moovBeforeMdat reports whether an MP4's index precedes its data, so a
// browser can start playing while it loads.
func moovBeforeMdat(b []byte) bool {
	for i := 0; i+8 <= len(b); {
		n := int(uint32(b[i])<<24 | uint32(b[i+1])<<16 | uint32(b[i+2])<<8 | uint32(b[i+3]))
		switch string(b[i+4 : i+8]) {
		case "moov":
			return true
		case "mdat":
			return false
		}
		if n < 8 {
			return false
		}
		i += n
	}
	return false
}

func TestStripAudio(t *testing.T) {
	needTool(t, "ffmpeg", "ffprobe", "exiftool")
	cases := []struct{ file, mime, codec string }{
		{"voice.webm", MimeAudioWebM, "opus"},
		{"voice.ogg", MimeOgg, "opus"},
		{"voice.m4a", MimeM4A, "aac"},
		{"voice.mp3", MimeMP3, "mp3"},
		{"video.mp4", MimeM4A, "aac"}, // a recording made as a video keeps only its sound
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			src := copyTestdata(t, c.file)
			if len(personal(exiftoolFile(t, src))) == 0 {
				t.Fatal("sample carries nothing to remove")
			}
			dst := filepath.Join(t.TempDir(), "out")
			info, err := StripAudio(t.Context(), src, dst, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if info.Mime != c.mime || info.AudioCodec != c.codec || info.VideoCodec != "" ||
				info.Duration < 900*time.Millisecond || info.Duration > 1200*time.Millisecond {
				t.Fatalf("info %+v", info)
			}
			if bad := personal(exiftoolFile(t, dst)); len(bad) > 0 {
				t.Fatalf("stripped recording still has %v", bad)
			}
			data, _ := os.ReadFile(dst)
			if kind, mime, err := Sniff(data); err != nil || kind != KindAudio || mime != c.mime {
				t.Fatalf("output sniffs as %v %s %v", kind, mime, err)
			}
		})
	}
}

func TestStripRefusals(t *testing.T) {
	needTool(t, "ffmpeg", "ffprobe")
	mp4 := readTestdata(t, "video.mp4")
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mpeg4 := filepath.Join(dir, "mpeg4.mp4")
	if out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=5", "-t", "1",
		"-c:v", "mpeg4", "-y", mpeg4).CombinedOutput(); err != nil {
		t.Fatalf("making an MPEG-4 part 2 video: %v %s", err, out)
	}
	cases := []struct {
		name   string
		src    string
		video  bool
		limits Limits
		err    *Error
	}{
		{"video too long", write("long.mp4", mp4), true, Limits{MaxVideoDuration: 500 * time.Millisecond}, ErrTooLong},
		{"recording too long", write("long.ogg", readTestdata(t, "voice.ogg")), false, Limits{MaxAudioDuration: 500 * time.Millisecond}, ErrTooLong},
		{"video too large", write("big.mp4", mp4), true, Limits{MaxBytes: 1000}, ErrTooLarge},
		{"truncated video", write("cut.mp4", mp4[:len(mp4)/2]), true, Limits{}, ErrCorrupt},
		{"a recording as a video", write("voice.m4a", readTestdata(t, "voice.m4a")), true, Limits{}, ErrWrongKind},
		{"an mp3 as a video", write("voice.mp3", readTestdata(t, "voice.mp3")), true, Limits{}, ErrWrongKind},
		{"a photo as a recording", write("photo.webp", readTestdata(t, "photo.webp")), false, Limits{}, ErrWrongKind},
		{"a renamed program", write("clip.mp4", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00")), true, Limits{}, ErrExecutable},
		{"a codec browsers do not play", mpeg4, true, Limits{}, ErrCodec},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "out")
			strip := StripAudio
			if c.video {
				strip = StripVideo
			}
			if _, err := strip(t.Context(), c.src, dst, c.limits); !errors.Is(err, c.err) {
				t.Fatalf("got %v, want %v", err, c.err)
			}
			if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a refused file left %s behind (%v)", dst, err)
			}
		})
	}
}

func TestInspectAV(t *testing.T) {
	needTool(t, "ffmpeg", "ffprobe")
	cases := []struct {
		file string
		kind Kind
		mime string
		w, h int
	}{
		{"video.mp4", KindVideo, MimeMP4, 160, 120},
		{"video.mov", KindVideo, MimeQuickTime, 160, 120},
		{"video.webm", KindVideo, MimeWebM, 160, 120},
		{"voice.webm", KindAudio, MimeAudioWebM, 0, 0},
		{"voice.mp3", KindAudio, MimeMP3, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			f, err := os.Open(copyTestdata(t, c.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			info, err := Inspect(t.Context(), f, Limits{})
			if err != nil || info.Kind != c.kind || info.Mime != c.mime || info.Width != c.w || info.Height != c.h ||
				info.Duration < 900*time.Millisecond || info.Duration > 1200*time.Millisecond {
				t.Fatalf("got %+v, %v", info, err)
			}
			if _, err := Inspect(t.Context(), f, Limits{MaxVideoDuration: time.Millisecond, MaxAudioDuration: time.Millisecond}); !errors.Is(err, ErrTooLong) {
				t.Fatalf("too long: %v", err)
			}
		})
	}
}

// TestWithoutFFmpeg: a server without ffmpeg says so for videos and
// recordings, with a message, instead of sharing them unstripped.
func TestWithoutFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if Available() {
		t.Fatal("Available with an empty PATH")
	}
	src := copyTestdata(t, "video.mp4")
	dst := filepath.Join(t.TempDir(), "out")
	if _, err := StripVideo(t.Context(), src, dst, Limits{}); !errors.Is(err, ErrVideoUnavailable) {
		t.Fatalf("StripVideo: %v", err)
	}
	if _, err := StripAudio(t.Context(), src, dst, Limits{}); !errors.Is(err, ErrAudioUnavailable) {
		t.Fatalf("StripAudio: %v", err)
	}
	for file, want := range map[string]*Error{"video.webm": ErrVideoUnavailable, "voice.ogg": ErrAudioUnavailable} {
		f, err := os.Open(copyTestdata(t, file))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Inspect(t.Context(), f, Limits{}); !errors.Is(err, want) {
			t.Errorf("Inspect %s: %v, want %v", file, err, want)
		}
		f.Close()
	}
	// Photos and documents do not need it.
	f, err := os.Open(copyTestdata(t, "photo.webp"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if info, err := Inspect(t.Context(), f, Limits{}); err != nil || info.Kind != KindImage {
		t.Fatalf("photo without ffmpeg: %+v %v", info, err)
	}
}
