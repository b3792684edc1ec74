package section

import (
	"testing"
)

var fuzzAttrs = []string{
	`<attribute name="t" type="timeSpan" />`,
	`<attribute name="t" type="timeSpan" allowInfinite="true" validationType="timeSpanRange" validationParameter="0,86400,1" />`,
	`<attribute name="t" type="timeSpan" timeSpanFormat="seconds" />`,
	`<attribute name="t" type="timeSpan" timeSpanFormat="minutes" allowInfinite="true" />`,
	`<attribute name="f" type="flags"><flag name="Unknown" value="0" /><flag name="HttpSoap" value="1" />
		<flag name="HttpGet" value="2" /><flag name="HttpSoap12" value="32" /><flag name="AnyHttpSoap" value="33" /></attribute>`,
	`<attribute name="f" type="flags"><flag name="File" value="1" /><flag name="ETW" value="2" /></attribute>`,
	`<attribute name="e" type="enum"><enum name="A" value="0" /><enum name="b" value="7" /><enum name="true" value="0" /></attribute>`,
	`<attribute name="n" type="int" allowInfinite="true" validationType="integerRange" validationParameter="0,1023,exclude" />`,
}

// FuzzNormalize checks that parsing never panics and that canonical text
// is a fixed point: Normalize(Normalize(x)) == Normalize(x).
func FuzzNormalize(f *testing.F) {
	seeds := []string{
		"00:00:30", "29:00:00", "1.05:00:00", "-1.02:03:04.5", "1:02:03:04", "10:30",
		"Infinite", "10675199.02:48:05.4775807", "-10675199.02:48:05.4775808", "00:00:00.0000001",
		"90", "-5", "ETW, File", "file,etw", "3", "35", "HttpSoap,HttpSoap12", "", " , ", "A", "7", "TRUE",
	}
	for i := range fuzzAttrs {
		for _, s := range seeds {
			f.Add(uint8(i), s)
		}
	}
	attrs := make([]*Attribute, len(fuzzAttrs))
	for i, def := range fuzzAttrs {
		attrs[i] = attrOf(f, def)
	}
	f.Fuzz(func(t *testing.T, which uint8, in string) {
		a := attrs[int(which)%len(attrs)]
		out, err := a.Normalize(in)
		if err != nil {
			return
		}
		again, err := a.Normalize(out)
		if err != nil || again != out {
			t.Fatalf("%s: Normalize(%q) = %q, but Normalize(%q) = %q, %v", a.Name, in, out, out, again, err)
		}
		if !a.Equal(in, out) {
			t.Fatalf("%s: Equal(%q, %q) = false", a.Name, in, out)
		}
	})
}
