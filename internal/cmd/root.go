package cmd

import (
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// The cobra tree mirrors the AppCmd grammar (verb, then object) for shell
// completion and generated docs. It never parses AppCmd parameters: every
// leaf has DisableFlagParsing, and Run hands the words to ParseArgs.

// isCobraCommand reports the commands that cobra itself answers.
func isCobraCommand(arg string) bool {
	switch arg {
	case "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
		return true
	}
	return false
}

// newRootCmd builds the tree: appcmd <verb> <object>, plus serve.
func newRootCmd(ios *IOStreams) *cobra.Command {
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
	for _, o := range Objects {
		for _, v := range o.Verbs {
			vc := verbs[v.Name]
			if vc == nil {
				vc = &cobra.Command{Use: v.Name, Short: strings.ToUpper(v.Name[:1]) + v.Name[1:] + " objects", DisableFlagParsing: true}
				verbs[v.Name] = vc
			}
			name := strings.ToLower(o.Name)
			leaf := &cobra.Command{
				Use:                name + " [identifier] [/parameter:value ...]",
				Short:              v.Summary,
				Long:               verbHelp(v.Name, &o),
				DisableFlagParsing: true,
				ValidArgsFunction:  completeParams,
			}
			if o.Plural != "" {
				leaf.Aliases = []string{strings.ToLower(o.Plural)}
			}
			vc.AddCommand(leaf)
		}
	}
	names := make([]string, 0, len(verbs))
	for n := range verbs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		root.AddCommand(verbs[n])
	}
	root.AddCommand(&cobra.Command{Use: ServeVerb + " [SITE ...] [-listen:ADDR] [-ping:pong|ping] [-exitafter:DURATION] [-addrfile:PATH]", Short: TopCommands[0].Summary, Long: serveHelp(), DisableFlagParsing: true})
	return root
}

// completeParams suggests the general parameters.
func completeParams(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, p := range []string{"section:", "commit:", "apphostconfig:", "config:*", "text:*", "xml", "in", "json", "whatif"} {
		// Offer the prefix the user started with, / or -.
		for _, prefix := range []string{"/", "-"} {
			if strings.HasPrefix(prefix+p, toComplete) {
				out = append(out, prefix+p)
			}
		}
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// runCobra answers completion requests.
func runCobra(args []string, ios *IOStreams) int {
	root := newRootCmd(ios)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		ios.errorColor().Fprint(ios.ErrOut, lines(frame(err.Error())))
		return exitInvalidParam
	}
	return exitOK
}
