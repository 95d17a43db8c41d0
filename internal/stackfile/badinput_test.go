package stackfile_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clusterbench/clusterbench/internal/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A FIFO named like a stack file would block the reader forever (nobody writes to it);
// it is refused at once with one line, like any other file that is not a regular file.
func TestReadRefusesAFifoWithoutBlocking(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "Pulumi.x.yaml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	done := make(chan error, 1)
	go func() { _, err := stackfile.Read(fifo); done <- err }()
	select {
	case err := <-done:
		require.Error(t, err)
		assert.Contains(t, err.Error(), fifo)
		assert.Contains(t, err.Error(), "not a regular file")
		assert.NotContains(t, err.Error(), "\n", "one line")
	case <-time.After(5 * time.Second):
		t.Fatal("Read blocked on a FIFO")
	}
	// A directory named like a stack file is refused the same way.
	sub := filepath.Join(dir, "Pulumi.d.yaml")
	require.NoError(t, os.Mkdir(sub, 0o755))
	_, err := stackfile.Read(sub)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a regular file")
}

// A directory whose name holds glob characters is a directory, not a pattern.
func TestListReadsADirectoryWithGlobCharactersInItsName(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gl[ob*?")
	require.NoError(t, os.Mkdir(dir, 0o755))
	for _, name := range []string{"Pulumi.b.yaml", "Pulumi.a.yaml", "Pulumi.yaml", "notes.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("config: {}\n"), 0o644))
	}
	files, err := stackfile.List(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "Pulumi.a.yaml"), filepath.Join(dir, "Pulumi.b.yaml")}, files)
	_, err = stackfile.List(filepath.Join(t.TempDir(), "missing"))
	require.Error(t, err)
}

// Duplicate keys inside an object are refused as top-level ones are: the last would win
// silently (workers: {count: 3, count: 9} would price nine workers).
func TestParseRefusesNestedDuplicateKeys(t *testing.T) {
	for _, doc := range []string{
		"config:\n  clusterbench:workers: {count: 3, count: 9}\n",
		"config:\n  clusterbench:workers:\n    count: 3\n    machineType: t3.large\n    count: 9\n",
		"config:\n  clusterbench:nested:\n    a:\n      b: 1\n      b: 2\n",
	} {
		_, err := stackfile.Parse("x", []byte(doc))
		require.Error(t, err, doc)
		assert.Contains(t, err.Error(), "set twice", doc)
	}
}

// A second YAML document is not read by Pulumi either: refused, not ignored.
func TestParseRefusesASecondDocument(t *testing.T) {
	_, err := stackfile.Parse("x", []byte("config:\n  clusterbench:zones: 3\n---\nconfig:\n  clusterbench:zones: 1\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "one YAML document")
	// A lone document start marker is still one document.
	_, err = stackfile.Parse("x", []byte("---\nconfig:\n  clusterbench:zones: 3\n"))
	require.NoError(t, err)
}

// Stack names follow Pulumi's rule: letters, digits, '-', '_', '.', at most 100.
// Anything else (a formula, a newline) is refused before the name reaches a report.
func TestStackNamesPulumiWouldRefuse(t *testing.T) {
	for _, name := range []string{"=HYPERLINK(\"http://x\")", "a\nb", "a b", "é", strings.Repeat("a", 101), "a/b"} {
		err := stackfile.CheckStackName(name)
		require.Error(t, err, "%q", name)
		assert.NotContains(t, err.Error(), "\n", "one line for %q", name)
		assert.Contains(t, err.Error(), "letters, digits")
	}
	for _, name := range []string{"eks", "kops-aws", "a_b.c", strings.Repeat("a", 100)} {
		assert.NoError(t, stackfile.CheckStackName(name), name)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "Pulumi.=HYPERLINK(1).yaml")
	require.NoError(t, os.WriteFile(bad, []byte("config: {}\n"), 0o644))
	_, err := stackfile.Read(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stack name")
}

// Errors say what was expected in the user's words, never Go types.
func TestParseErrorsNameNoGoTypes(t *testing.T) {
	for _, doc := range []string{"- 1\n- 2\n", "config: [1, 2]\n", "config: 3\n", "config:\n  clusterbench:zones: .nan\n  x: {a: .nan}\n"} {
		_, err := stackfile.Parse("x", []byte(doc))
		require.Error(t, err, doc)
		for _, leak := range []string{"struct", "interface", "map[", "yaml.Node", "json:"} {
			assert.NotContains(t, err.Error(), leak, doc)
		}
	}
}
