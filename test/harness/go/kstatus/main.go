// Command kstatus prints the status that kstatus (the library Flux and kpt use to decide whether a resource
// has reconciled) computes for Kubernetes objects read from stdin.
//
// Input: one JSON object, or a JSON array of objects. Output: for each object, one JSON object
// {"status": "...", "reason": "...", "message": "..."} (or {"error": "..."}), in the same shape as the input.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type verdict struct {
	Status  string `json:"status,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}

// compute decodes numbers the way the API machinery does (integers as int64), which kstatus relies on when
// it reads metadata.generation and status.observedGeneration.
func compute(raw json.RawMessage) verdict {
	var object map[string]interface{}
	if err := utiljson.Unmarshal(raw, &object); err != nil {
		return verdict{Error: fmt.Sprintf("not a JSON object: %v", err)}
	}
	result, err := status.Compute(&unstructured.Unstructured{Object: object})
	if err != nil {
		return verdict{Error: err.Error()}
	}
	out := verdict{Status: result.Status.String(), Message: result.Message}
	// The Reconciling or Stalled condition kstatus derived, if any, carries the reason.
	if len(result.Conditions) > 0 {
		out.Reason = result.Conditions[0].Reason
	}
	return out
}

func run(in io.Reader, out io.Writer) error {
	input, err := io.ReadAll(in)
	if err != nil {
		return fmt.Errorf("reading stdin: %w", err)
	}
	trimmed := bytes.TrimSpace(input)
	var output interface{}
	if bytes.HasPrefix(trimmed, []byte("[")) {
		var objects []json.RawMessage
		if err := json.Unmarshal(trimmed, &objects); err != nil {
			return fmt.Errorf("stdin is not a JSON array: %w", err)
		}
		verdicts := make([]verdict, 0, len(objects))
		for _, object := range objects {
			verdicts = append(verdicts, compute(object))
		}
		output = verdicts
	} else {
		output = compute(trimmed)
	}
	return json.NewEncoder(out).Encode(output)
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
}
