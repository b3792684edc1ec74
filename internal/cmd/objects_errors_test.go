package cmd

import (
	"fmt"
	"testing"

	"github.com/appcmd-project/appcmd/internal/iis"
)

// TestDescribeObjectErrors pins the appcmd text and exit code of every
// error of the object rules (package iis).
func TestDescribeObjectErrors(t *testing.T) {
	for _, tc := range []struct {
		err  error
		text string
		code int
	}{
		{&iis.NotFoundError{Object: "SITE", ID: "x"}, `ERROR ( message:Cannot find SITE object with identifier "x". )`, 1168},
		{&iis.ExistsError{Object: "APP", ID: "S/a"}, `ERROR ( message:Failed to add duplicate collection element "S/a". )`, 183},
		{&iis.DuplicateKeyError{Element: "site", Key: "id", Value: "2"}, `ERROR ( message:Cannot add duplicate collection entry of type 'site' with unique key attribute 'id' set to '2' )`, 183},
		{&iis.MissingError{Object: "VDIR"}, `ERROR ( message:Must specify the VDIR object with identifier. )`, 87},
		{&iis.MissingError{Object: "APP", Param: "path"}, `ERROR ( message:Must specify the path parameter to add a APP object, e.g. /path:VALUE. )`, 87},
		{&iis.BackupExistsError{Name: "b"}, "ERROR ( hresult:800700b7, message:Command execution failed.\nCannot create a file when that file already exists.\n )", 183},
		{&iis.BackupNameError{Name: "a/b", Reason: "Invalid backup name"}, `ERROR ( message:Invalid backup name )`, 87},
		{&iis.RuntimeError{}, "ERROR ( hresult:800710d8, message:Command execution failed.\nThe object identifier does not represent a valid object.\n )", 4312},
		{fmt.Errorf("reading: %w", &iis.InvalidDataError{}), "ERROR ( hresult:8007000d, message:Command execution failed.\nThe data is invalid.\n )", 13},
	} {
		if d := describe(tc.err); d.text != tc.text || d.code != tc.code {
			t.Errorf("%T: got %d %q, want %d %q", tc.err, d.code, d.text, tc.code, tc.text)
		}
	}
}
