package spec

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxEcho is how many characters of a value an error message repeats: enough to
// recognise it, never a whole file pasted into a key.
const MaxEcho = 80

// Clip prepares a value for an error message: at most MaxEcho characters, cut with an
// ellipsis, and quoted (Go syntax) when it holds characters that would break a one-line
// message (newlines, other control characters, invalid UTF-8) or that starts or ends
// with spaces, which would otherwise be invisible.
func Clip(s string) string {
	cut := false
	if utf8.RuneCountInString(s) > MaxEcho {
		n := 0
		for i := range s {
			if n == MaxEcho {
				s, cut = s[:i], true
				break
			}
			n++
		}
	}
	if !utf8.ValidString(s) || s != strings.TrimSpace(s) || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) >= 0 {
		s = strconv.Quote(s)
	}
	if cut {
		s += "…"
	}
	return s
}
