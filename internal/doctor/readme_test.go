package doctor_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterbench/clusterbench/internal/doctor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	tableBegin = "<!-- doctor-checks:begin -->\n"
	tableEnd   = "<!-- doctor-checks:end -->"
)

// The README's check table is the table of checks.go, rendered; UPDATE_GOLDEN=1
// rewrites it.
func TestREADMECheckTableInSync(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	text := string(data)
	begin, end := strings.Index(text, tableBegin), strings.Index(text, tableEnd)
	require.True(t, begin >= 0 && end > begin, "README.md has no %q ... %q block", tableBegin, tableEnd)
	want := doctor.CheckTable()
	got := text[begin+len(tableBegin) : end]
	if os.Getenv("UPDATE_GOLDEN") != "" && got != want {
		text = text[:begin+len(tableBegin)] + want + text[end:]
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		got = want
	}
	assert.Equal(t, want, got, "README.md's check table is out of date: UPDATE_GOLDEN=1 go test ./internal/doctor/")
	for _, c := range doctor.Checks {
		assert.Contains(t, got, "`"+c.ID+"`")
	}
}
