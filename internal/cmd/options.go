package cmd

// options are the general parameters of one command line, typed, as the
// command's entry in the table allows them: parseOptions refuses the ones
// the command does not take, so a verb reads only fields it declared.
// Run functions read c.opts; tests call parseOptions directly to check the
// grammar of every verb without a configuration on disk (gh's runF
// pattern: the table's run is never reached).
type options struct {
	ident string // the identifier; "" when none

	section     string // -section:
	hasSection  bool
	commit      string // -commit:
	config      string // /config or /config:*
	hasConfig   bool
	text        string // /text or /text:VALUE
	hasText     bool
	xml         bool
	json        bool
	whatIf      bool
	followLinks bool // -followLinks: write through links out of a virtual directory
	unencrypted bool // -unencrypted: write encrypted attributes as clear text
	debug       bool
	stdin       bool   // /in or a lone -
	listen      string // serve -listen:
	hasListen   bool

	appHostConfig string // -apphostconfig:
	params        []attrParam
}

// parseOptions checks the general parameters against the command's table
// entry and returns them typed.
func (cmd *command) parseOptions(inv *commandLine) (*options, error) {
	if err := cmd.checkParams(inv); err != nil {
		return nil, err
	}
	o := &options{stdin: inv.Stdin, params: inv.Params}
	if len(inv.Identifiers) > 0 {
		o.ident = inv.Identifiers[0]
	}
	for name, r := range inv.Reserved {
		switch name {
		case "section":
			o.section, o.hasSection = r.Value, true
		case "commit":
			o.commit = r.Value
		case "config":
			o.config, o.hasConfig = r.Value, true
		case "text":
			o.text, o.hasText = r.Value, true
		case "xml":
			o.xml = true
		case "json":
			o.json = true
		case "whatif":
			o.whatIf = true
		case "followlinks":
			o.followLinks = true
		case "unencrypted":
			o.unencrypted = true
		case "debug":
			o.debug = true
		case "listen":
			o.listen, o.hasListen = r.Value, true
		case "apphostconfig":
			o.appHostConfig = r.Value
		}
	}
	return o, nil
}
