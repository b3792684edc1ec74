package iisconfig

import (
	"testing"
	"time"

	"github.com/appcmd-project/appcmd/internal/section"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		format string
		d      time.Duration
		want   string // "" for an error
	}{
		{section.TimeSpanString, 0, "00:00:00"},
		{section.TimeSpanString, 90 * time.Second, "00:01:30"},
		{section.TimeSpanString, 26*time.Hour + 1500*time.Microsecond, "1.02:00:00.0015000"},
		{section.TimeSpanString, -time.Minute, "-00:01:00"},
		{section.TimeSpanString, 50 * time.Nanosecond, ""},
		{section.TimeSpanSeconds, 2 * time.Minute, "120"},
		{section.TimeSpanSeconds, 1500 * time.Millisecond, ""},
		{section.TimeSpanMinutes, 2 * time.Hour, "120"},
		{section.TimeSpanMinutes, 90 * time.Second, ""},
	}
	for _, tt := range tests {
		got, err := formatDuration(&section.Attribute{Name: "t", Type: section.KindTimeSpan, TimeSpanFormat: tt.format}, tt.d)
		if tt.want == "" {
			if err == nil {
				t.Errorf("%s %v = %q, want an error", tt.format, tt.d, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s %v = %q, %v; want %q", tt.format, tt.d, got, err, tt.want)
		}
	}
}
