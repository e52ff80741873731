package media

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

var (
	phoneOnce   sync.Once
	phonePhotos [][]byte
)

// twelveMP makes ten distinct 4032×3024 JPEGs at quality 90 with a
// phone's EXIF (GPS, orientation 6): smooth light, fine texture and sensor
// noise, so they weigh what phone photos weigh (3–5 MB) and decode like
// them.
func twelveMP(b *testing.B) [][]byte {
	phoneOnce.Do(func() {
		for i := range 10 {
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			img := image.NewYCbCr(image.Rect(0, 0, 4032, 3024), image.YCbCrSubsampleRatio420)
			fx, fy := 0.002+0.001*float64(i), 0.003
			for y := 0; y < 3024; y++ {
				for x := 0; x < 4032; x++ {
					v := 128 + 60*math.Sin(float64(x)*fx+float64(i)) + 40*math.Cos(float64(y)*fy) +
						12*math.Sin(float64(x*y)*0.0007) + float64(rng.IntN(17)) - 8
					img.Y[y*img.YStride+x] = uint8(min(255, max(0, v)))
				}
			}
			for y := 0; y < 1512; y++ {
				for x := 0; x < 2016; x++ {
					img.Cb[y*img.CStride+x] = uint8(100 + x*50/2016 + rng.IntN(5))
					img.Cr[y*img.CStride+x] = uint8(110 + y*60/1512 + rng.IntN(5))
				}
			}
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
				b.Fatal(err)
			}
			phonePhotos = append(phonePhotos, withSegments(buf.Bytes(), exifAPP1(6), xmpAPP1()))
		}
	})
	return phonePhotos
}

// BenchmarkProcessTenPhonePhotos processes ten 12-MP phone photos (one
// post's worth), one after the other as the background job does.
func BenchmarkProcessTenPhonePhotos(b *testing.B) {
	photos := twelveMP(b)
	var total int64
	for _, p := range photos {
		total += int64(len(p))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, p := range photos {
			if _, err := ProcessImage(bytes.NewReader(p), Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(total)/10/1e6, "MB/photo")
}
