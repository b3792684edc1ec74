package cmd

import (
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// The cobra tree mirrors the AppCmd grammar (verb, then object) for shell
// completion. It is built from the command table (verbs.go) and never
// parses AppCmd parameters: every leaf has DisableFlagParsing, and its
// completion function reads the words with ParseArgs.

// isCobraCommand reports the commands that cobra itself answers.
func isCobraCommand(arg string) bool {
	switch arg {
	case "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
		return true
	}
	return false
}

// newRootCmd builds the tree: appcmd <verb> <object>, plus serve.
func newRootCmd(ios *IOStreams, getenv func(string) (string, bool)) *cobra.Command {
	root := &cobra.Command{
		Use:           "appcmd",
		Short:         "Edit IIS configuration files the way appcmd.exe does",
		Long:          topHelp(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	verbs := map[string]*cobra.Command{}
	for i := range commands {
		v := &commands[i]
		if v.object == "" {
			root.AddCommand(&cobra.Command{
				Use:                v.verb + " [SITE ...] [-listen:ADDR] [-ping:pong|ping] [-exitafter:DURATION] [-addrfile:PATH]",
				Short:              v.summary,
				Long:               serveHelp(),
				DisableFlagParsing: true,
				ValidArgsFunction:  completer(v, ios, getenv),
			})
			continue
		}
		vc := verbs[v.verb]
		if vc == nil {
			vc = &cobra.Command{Use: v.verb, Short: strings.ToUpper(v.verb[:1]) + v.verb[1:] + " objects"}
			verbs[v.verb] = vc
		}
		o, _ := lookupObject(v.object)
		leaf := &cobra.Command{
			Use:                strings.ToLower(o.name) + " [identifier] [/parameter:value ...]",
			Short:              v.summary,
			Long:               verbHelp(v),
			DisableFlagParsing: true,
			ValidArgsFunction:  completer(v, ios, getenv),
		}
		if o.plural != "" {
			leaf.Aliases = []string{strings.ToLower(o.plural)}
		}
		vc.AddCommand(leaf)
	}
	names := make([]string, 0, len(verbs))
	for n := range verbs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		root.AddCommand(verbs[n])
	}
	return root
}

// runCobra answers completion requests.
func runCobra(args []string, ios *IOStreams, getenv func(string) (string, bool)) int {
	root := newRootCmd(ios, getenv)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		ios.errorColor().Fprint(ios.ErrOut, lines(frame(err.Error())))
		return exitInvalidParam
	}
	return exitOK
}
