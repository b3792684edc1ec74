package cmd

import (
	"fmt"
	"sort"
	"strings"
)

// Manual pages (docs/man/*.1), generated from the same help text that /?
// prints: appcmd(1) is the top help, appcmd-OBJECT(1) holds the help of
// every verb of an object, appcmd-COMMAND(1) a command without an object.
// TestManPages keeps docs/man in step (go test ./internal/cmd -run
// TestManPages -update).

// manPages returns the pages by file name.
func manPages() map[string]string {
	pages := map[string]string{}
	var see []string
	for _, o := range objectTypes {
		see = append(see, "appcmd-"+strings.ToLower(o.name))
	}
	for _, v := range topCommands() {
		see = append(see, "appcmd-"+v.verb)
	}
	pages["appcmd.1"] = manPage("appcmd", "edit IIS configuration files the way appcmd.exe does",
		"appcmd (command) (object-type) <identifier> </parameter1:value1 ...>", []manSection{{"DESCRIPTION", topHelp()}}, see)
	for i := range objectTypes {
		o := &objectTypes[i]
		secs := []manSection{{"DESCRIPTION", objectHelp(o)}}
		for _, v := range o.verbs() {
			secs = append(secs, manSection{strings.ToUpper(v.verb + " " + o.name), verbHelp(v)})
		}
		name := "appcmd-" + strings.ToLower(o.name)
		pages[name+".1"] = manPage(name, strings.ToLower(o.summary[:1])+o.summary[1:],
			fmt.Sprintf("appcmd (command) %s <identifier> <-parameter1:value1 ...>", strings.ToLower(o.name)), secs, []string{"appcmd"})
	}
	for _, v := range topCommands() {
		text := topVerbHelp(v)
		if v.verb == serveVerb {
			text = serveHelp()
		}
		name := "appcmd-" + v.verb
		pages[name+".1"] = manPage(name, strings.ToLower(v.summary[:1])+v.summary[1:], "appcmd "+v.verb, []manSection{{"DESCRIPTION", text}}, []string{"appcmd"})
	}
	return pages
}

type manSection struct{ title, text string }

// manPage renders one page: the help text kept as preformatted lines, as
// /? prints it.
func manPage(name, summary, synopsis string, secs []manSection, see []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, ".TH %s 1 \"\" \"appcmd\" \"appcmd manual\"\n", strings.ToUpper(name))
	fmt.Fprintf(&b, ".SH NAME\n%s \\- %s\n", roff(name), roff(summary))
	fmt.Fprintf(&b, ".SH SYNOPSIS\n.nf\n%s\n.fi\n", roffLine(synopsis))
	for _, s := range secs {
		fmt.Fprintf(&b, ".SH %s\n.nf\n", roff(s.title))
		for _, l := range strings.Split(strings.TrimRight(s.text, "\n"), "\n") {
			b.WriteString(roffLine(l) + "\n")
		}
		b.WriteString(".fi\n")
	}
	sort.Strings(see)
	var refs []string
	for _, s := range see {
		refs = append(refs, fmt.Sprintf("\\fB%s\\fR(1)", roff(s)))
	}
	fmt.Fprintf(&b, ".SH SEE ALSO\n%s\n", strings.Join(refs, ", "))
	return b.String()
}

// roff escapes text for roff: backslashes and hyphens.
func roff(s string) string {
	return strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
}

// roffLine escapes a line, including a leading . or ' (a request).
func roffLine(s string) string {
	s = roff(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
