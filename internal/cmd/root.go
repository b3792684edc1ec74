package cmd

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// The cobra tree mirrors the AppCmd grammar (verb, then object) for shell
// completion. It is built from the command table (verbs.go) and never
// parses AppCmd parameters: every leaf has DisableFlagParsing, and its
// completion function reads the words with parseArgs.

// isCobraCommand reports the commands that cobra itself answers.
func isCobraCommand(arg string) bool {
	switch arg {
	case "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
		return true
	}
	return false
}

// newRootCmd builds the tree: appcmd <verb> <object>, plus serve.
func newRootCmd(ios *ioStreams, getenv func(string) (string, bool)) *cobra.Command {
	root := &cobra.Command{
		Use:           "appcmd",
		Short:         "Edit IIS configuration files the way appcmd.exe does",
		Long:          topHelp(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	// appcmd help [OBJECT [VERB]] is appcmd's /? (help.go).
	root.SetHelpCommand(&cobra.Command{
		Use:                "help [OBJECT [VERB]]",
		Short:              "Show help, as /? does",
		DisableFlagParsing: true,
		ValidArgsFunction: func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []string
			for _, o := range objectTypes {
				out = append(out, strings.ToLower(o.name))
			}
			return matching(out, toComplete, ""), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: runAppCmd(ios, getenv, "help"),
	})
	verbs := map[string]*cobra.Command{}
	for i := range commands {
		v := &commands[i]
		if v.object == "" {
			use, long := v.verb, topVerbHelp(v)
			if v.verb == serveVerb {
				use, long = v.verb+" [SITE ...] [-listen:ADDR] [-listentls:ADDR] [-cert:FILE -key:FILE] [-wildcard:loopback|all] [-ping:pong|ping] [-exitafter:DURATION] [-addrfile:PATH]", serveHelp()
			}
			root.AddCommand(&cobra.Command{
				Use:                use,
				Short:              v.summary,
				Long:               long,
				DisableFlagParsing: true,
				ValidArgsFunction:  completer(v, ios, getenv),
				RunE:               runAppCmd(ios, getenv, v.verb),
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
			RunE:               runAppCmd(ios, getenv, v.verb, strings.ToLower(o.name)),
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

// runAppCmd makes a leaf of the tree runnable (cobra completes only
// runnable commands): it runs the words through the AppCmd grammar as runArgs does
// does, so the tree and the grammar cannot disagree.
func runAppCmd(ios *ioStreams, getenv func(string) (string, bool), words ...string) func(*cobra.Command, []string) error {
	return func(_ *cobra.Command, args []string) error {
		if code := runArgs(append(append([]string{}, words...), args...), ios, getenv); code != exitOK {
			return &exitCodeError{code}
		}
		return nil
	}
}

// exitCodeError carries the exit code of a command run through the tree;
// its text has been printed already.
type exitCodeError struct{ code int }

func (e *exitCodeError) Error() string { return fmt.Sprintf("exit code %d", e.code) }

// runCobra answers completion requests.
func runCobra(args []string, ios *ioStreams, getenv func(string) (string, bool)) int {
	root := newRootCmd(ios, getenv)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		if ec, ok := err.(*exitCodeError); ok {
			return ec.code
		}
		ios.errorColor().Fprint(ios.ErrOut, lines(frame(err.Error())))
		return exitInvalidParam
	}
	return exitOK
}
