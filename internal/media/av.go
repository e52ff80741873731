package media

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// Videos and voice recordings are never decoded here: Debian's ffmpeg
// copies their streams into a fresh container and leaves every piece of
// metadata behind (global, per stream, chapters, data tracks such as an
// iPhone's location track). Without ffmpeg they cannot be made safe, so
// Available says so and callers turn them off with ErrVideoUnavailable or
// ErrAudioUnavailable.

// Available reports whether ffmpeg and ffprobe are on the PATH.
func Available() bool {
	_, err1 := exec.LookPath("ffmpeg")
	_, err2 := exec.LookPath("ffprobe")
	return err1 == nil && err2 == nil
}

// AVInfo is what ffprobe found in a video or recording.
type AVInfo struct {
	Mime          string // of the file it describes
	Duration      time.Duration
	Width, Height int // of the first video stream, as stored (rotation is kept as a display flag)
	VideoCodec    string
	AudioCodec    string
}

// avTimeout bounds one ffmpeg or ffprobe run even when the caller's
// context has no deadline: copying streams of a 20 MB file takes well
// under a second.
const avTimeout = 2 * time.Minute

// Codecs browsers play, which are copied as they are (nothing is
// re-encoded: that would take minutes on a small server).
var (
	videoCodecs = map[string]bool{"h264": true, "hevc": true, "vp8": true, "vp9": true, "av1": true}
	audioCodecs = map[string]bool{"aac": true, "opus": true, "vorbis": true, "mp3": true, "flac": true, "alac": true}
)

// A container: how ffmpeg is told to read it (never let it guess: its
// probing reaches playlists and other formats that open more files) and
// what is written. Paths are given as file: URLs so that no name, however
// odd, is read as another protocol or an option.
type container struct {
	demuxer, muxer, mime string
}

func videoContainer(mime string) (container, bool) {
	switch mime {
	case MimeMP4, MimeQuickTime, Mime3GPP, MimeM4A:
		return container{"mov", "mp4", MimeMP4}, true
	case MimeWebM, MimeAudioWebM:
		return container{"matroska", "webm", MimeWebM}, true
	}
	return container{}, false
}

func audioContainer(mime string) (container, bool) {
	switch mime {
	case MimeMP4, MimeQuickTime, Mime3GPP, MimeM4A:
		return container{"mov", "ipod", MimeM4A}, true
	case MimeWebM, MimeAudioWebM:
		return container{"matroska", "webm", MimeAudioWebM}, true
	case MimeOgg:
		return container{"ogg", "ogg", MimeOgg}, true
	case MimeMP3:
		return container{"mp3", "mp3", MimeMP3}, true
	}
	return container{}, false
}

// StripVideo copies the video at src to dst (created or truncated) with
// no metadata, the index first (+faststart) so it plays while it loads.
// MP4, MOV and 3GP become MP4; WebM stays WebM. The video must be at most
// limits.MaxBytes and limits.MaxVideoDuration long; a refusal leaves no dst.
func StripVideo(ctx context.Context, src, dst string, limits Limits) (AVInfo, error) {
	return strip(ctx, src, dst, limits.withDefaults(), true)
}

// StripAudio does the same for a voice recording: sound only (a cover
// picture or video track is dropped), at most limits.MaxAudioDuration.
// M4A stays M4A, WebM WebM, Ogg Ogg and MP3 MP3 (without ID3 tags).
func StripAudio(ctx context.Context, src, dst string, limits Limits) (AVInfo, error) {
	return strip(ctx, src, dst, limits.withDefaults(), false)
}

func strip(ctx context.Context, src, dst string, limits Limits, video bool) (AVInfo, error) {
	unavailable, maxDur := ErrAudioUnavailable, limits.MaxAudioDuration
	if video {
		unavailable, maxDur = ErrVideoUnavailable, limits.MaxVideoDuration
	}
	if !Available() {
		return AVInfo{}, unavailable
	}
	c, err := sniffFile(src, limits, video)
	if err != nil {
		return AVInfo{}, err
	}
	in, err := probe(ctx, src, c.demuxer)
	if err != nil {
		return AVInfo{}, err
	}
	if err := checkStreams(in, video); err != nil {
		return AVInfo{}, err
	}
	if in.Duration > maxDur {
		return AVInfo{}, tooLong(in.Duration, maxDur)
	}
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "file",
		"-f", c.demuxer, "-i", "file:" + src}
	if video {
		args = append(args, "-map", "0:v:0", "-map", "0:a:0?")
	} else {
		args = append(args, "-map", "0:a:0", "-vn")
	}
	args = append(args, "-c", "copy", "-dn", "-sn",
		"-map_metadata", "-1", "-map_metadata:s", "-1", "-map_chapters", "-1",
		"-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
		// Stop at one second past the limit, for a file whose header did
		// not say how long it is; the result is then refused below.
		"-t", strconv.FormatFloat((maxDur+time.Second).Seconds(), 'f', 0, 64))
	switch c.muxer {
	case "mp4", "ipod":
		args = append(args, "-movflags", "+faststart")
	case "mp3":
		args = append(args, "-id3v2_version", "0", "-write_id3v1", "0", "-write_xing", "0")
	}
	args = append(args, "-f", c.muxer, "-y", "file:"+dst)
	if err := run(ctx, "ffmpeg", args...); err != nil {
		os.Remove(dst)
		return AVInfo{}, refuse(ErrCorrupt, err)
	}
	out, err := probe(ctx, dst, c.demuxer)
	if err == nil && out.Duration > maxDur {
		err = tooLong(out.Duration, maxDur)
	}
	if err == nil {
		err = checkSize(dst, limits.MaxBytes)
	}
	if err != nil {
		os.Remove(dst)
		return AVInfo{}, err
	}
	out.Mime = c.mime
	return out, nil
}

// sniffFile checks src's size and type and picks its container.
func sniffFile(src string, limits Limits, video bool) (container, error) {
	f, err := os.Open(src)
	if err != nil {
		return container{}, fmt.Errorf("media: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return container{}, fmt.Errorf("media: %w", err)
	}
	if st.Size() > limits.MaxBytes {
		return container{}, tooLarge(limits.MaxBytes)
	}
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return container{}, fmt.Errorf("media: %w", err)
	}
	kind, mime, err := Sniff(head[:n])
	if err != nil {
		return container{}, err
	}
	var c container
	ok := false
	if kind == KindVideo || kind == KindAudio {
		if video {
			c, ok = videoContainer(mime)
		} else {
			c, ok = audioContainer(mime)
		}
	}
	if !ok {
		return container{}, refuse(ErrWrongKind, fmt.Errorf("%s is not a %s", mime, map[bool]string{true: "video", false: "recording"}[video]))
	}
	return c, nil
}

func checkStreams(in AVInfo, video bool) error {
	if video {
		if in.VideoCodec == "" {
			return refuse(ErrWrongKind, errors.New("no video stream"))
		}
		if !videoCodecs[in.VideoCodec] {
			return refuse(ErrCodec, errors.New("video codec "+in.VideoCodec), "codec", in.VideoCodec)
		}
	} else if in.AudioCodec == "" {
		return refuse(ErrWrongKind, errors.New("no audio stream"))
	}
	if in.AudioCodec != "" && !audioCodecs[in.AudioCodec] {
		return refuse(ErrCodec, errors.New("audio codec "+in.AudioCodec), "codec", in.AudioCodec)
	}
	return nil
}

func checkSize(path string, max int64) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	if st.Size() > max {
		return tooLarge(max)
	}
	return nil
}

func probe(ctx context.Context, path, demuxer string) (AVInfo, error) {
	out, err := output(ctx, "ffprobe", "-v", "error", "-protocol_whitelist", "file", "-f", demuxer,
		"-print_format", "json", "-show_format", "-show_streams", "file:"+path)
	if err != nil {
		return AVInfo{}, refuse(ErrCorrupt, err)
	}
	var p struct {
		Streams []struct {
			CodecType   string `json:"codec_type"`
			CodecName   string `json:"codec_name"`
			Width       int    `json:"width"`
			Height      int    `json:"height"`
			Duration    string `json:"duration"`
			Disposition struct {
				AttachedPic int `json:"attached_pic"`
			} `json:"disposition"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		return AVInfo{}, refuse(ErrCorrupt, err)
	}
	info := AVInfo{Duration: seconds(p.Format.Duration)}
	for _, s := range p.Streams {
		switch {
		case s.CodecType == "video" && s.Disposition.AttachedPic == 0 && info.VideoCodec == "":
			info.VideoCodec, info.Width, info.Height = s.CodecName, s.Width, s.Height
		case s.CodecType == "audio" && info.AudioCodec == "":
			info.AudioCodec = s.CodecName
		}
		info.Duration = max(info.Duration, seconds(s.Duration))
	}
	return info, nil
}

func seconds(s string) time.Duration {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e6 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// run and output start a tool with a bounded time and keep the first
// kilobytes of what it says on stderr, for the error (and the logs).
func run(ctx context.Context, name string, args ...string) error {
	_, err := output(ctx, name, args...)
	return err
}

func output(ctx context.Context, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, avTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var stdout bytes.Buffer
	stderr := &capped{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", name, err, bytes.TrimSpace(stderr.buf.Bytes()))
	}
	return stdout.Bytes(), nil
}

// capped keeps the first max bytes written to it and drops the rest.
type capped struct {
	buf bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
