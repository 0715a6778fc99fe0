package catalog

// BuiltInCommit is the proxy commit the built-in model table was read from
// (sdk/cliproxy/service_models.go of CLIProxyAPI).
const BuiltInCommit = "a7e3596"

// builtIns are models the proxy registers for every account of a provider
// although models.json does not list them. Keyed by provider.
var builtIns = map[string][]Model{
	"codex": {
		NewModel("gpt-image-1.5", "GPT Image 1.5"),
		NewModel("gpt-image-2", "GPT Image 2"),
	},
	"xai": {
		NewModel("grok-imagine-image", "Grok Imagine Image"),
		NewModel("grok-imagine-image-quality", "Grok Imagine Image Quality"),
		NewModel("grok-imagine-image-2.0", "Grok Imagine Image 2.0"),
		NewModel("grok-imagine-video", "Grok Imagine Video"),
		NewModel("grok-imagine-video-1.5", "Grok Imagine Video 1.5"),
		NewModel("grok-imagine-video-1.5-preview", "Grok Imagine Video 1.5 Preview"),
	},
}

// BuiltIns returns the proxy's built-in models for a provider (nil when it
// has none). The slice is shared: callers must not modify it.
func BuiltIns(provider string) []Model { return builtIns[provider] }
