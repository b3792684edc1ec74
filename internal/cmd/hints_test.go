package cmd

import (
	"reflect"
	"testing"
)

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"websockt", "websocket", 1}, {"kitten", "sitting", 3}, {"ünï", "uni", 2},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	cands := []string{"webSocket", "caching", "handlers", "defaultDocument", "directoryBrowse", "listen", "apphostconfig", "json"}
	tests := []struct {
		name string
		want []string
	}{
		{"webSockt", []string{"webSocket"}},
		{"WEBSOCKET", nil}, // the name itself (any case) is not a suggestion
		{"lisen", []string{"listen"}},
		{"defaultDoc", []string{"defaultDocument"}}, // a prefix counts
		{"zzzzzzzz", nil},
		{"jsn", []string{"json"}},
	}
	for _, tt := range tests {
		if got := closest(tt.name, cands); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
