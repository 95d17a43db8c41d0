// Command pngcheck fails when a screenshot is blank: it decodes a PNG and counts its
// distinct colours and the share of pixels that are not (near) white. Used by
// scripts/test-browser.sh on headless Chromium's screenshot of the HTML report; -crop
// checks one region of it (where a diagram sits).
package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
)

// nearWhite is the lowest 16-bit channel value still counted as white (anti-aliasing
// and faint page backgrounds are not content).
const nearWhite = 0xf000

// opaque is the lowest 16-bit alpha counted as drawn: a transparent pixel is blank.
const opaque = 0x8000

// stats summarises a picture.
type stats struct {
	width, height int
	colours       int
	nonWhite      float64 // share of pixels, 0..1
}

func main() {
	minColours := flag.Int("min-colours", 16, "fail below this many distinct colours")
	minNonWhite := flag.Float64("min-non-white", 0.02, "fail below this share of non-white pixels (0..1)")
	crop := flag.String("crop", "", "check only this region: X,Y,WIDTH,HEIGHT in pixels")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pngcheck [-min-colours N] [-min-non-white SHARE] [-crop X,Y,W,H] FILE.png")
		os.Exit(2)
	}
	region, err := parseCrop(*crop)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pngcheck:", err)
		os.Exit(2)
	}
	s, err := measure(flag.Arg(0), region)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pngcheck:", err)
		os.Exit(2)
	}
	fmt.Printf("pngcheck: %dx%d, %d colours, %.1f%% non-white\n", s.width, s.height, s.colours, 100*s.nonWhite)
	if s.colours < *minColours || s.nonWhite < *minNonWhite {
		fmt.Fprintf(os.Stderr, "pngcheck: looks blank: want at least %d colours and %.1f%% non-white\n", *minColours, 100**minNonWhite)
		os.Exit(1)
	}
}

// parseCrop reads X,Y,W,H ("" is the whole picture).
func parseCrop(s string) (*image.Rectangle, error) {
	if s == "" {
		return nil, nil
	}
	var x, y, w, h int
	if n, err := fmt.Sscanf(s, "%d,%d,%d,%d", &x, &y, &w, &h); err != nil || n != 4 || w <= 0 || h <= 0 {
		return nil, fmt.Errorf("-crop %q: want X,Y,WIDTH,HEIGHT with a positive width and height", s)
	}
	r := image.Rect(x, y, x+w, y+h)
	return &r, nil
}

func measure(path string, region *image.Rectangle) (stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return stats{}, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return stats{}, fmt.Errorf("%s: %w", path, err)
	}
	if region != nil {
		if !region.In(img.Bounds()) {
			return stats{}, fmt.Errorf("%s: region %v is outside the picture %v", path, *region, img.Bounds())
		}
		sub, ok := img.(interface {
			SubImage(image.Rectangle) image.Image
		})
		if !ok {
			return stats{}, fmt.Errorf("%s: cannot crop this PNG", path)
		}
		img = sub.SubImage(*region)
	}
	return count(img), nil
}

func count(img image.Image) stats {
	b := img.Bounds()
	colours := map[[4]uint32]bool{}
	nonWhite := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, bl, a}] = true
			if a >= opaque && min(r, g, bl) < nearWhite {
				nonWhite++
			}
		}
	}
	s := stats{width: b.Dx(), height: b.Dy(), colours: len(colours)}
	if total := b.Dx() * b.Dy(); total > 0 {
		s.nonWhite = float64(nonWhite) / float64(total)
	}
	return s
}
