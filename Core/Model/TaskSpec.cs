namespace MiniMesos.Core.Model;

/// <summary>
/// What a user asked to run: argv (no shell) and the resources it needs. <see cref="AppId"/> and
/// <see cref="AppVersion"/> link an app's instance to the app (null for one-shot tasks).
/// <see cref="Ports"/> is how many host ports a one-shot task asks for (given at assignment, as PORT0..);
/// <see cref="User"/> the user it runs as (null: the agent's default, nobody); <see cref="Network"/>
/// "host" (null) or "none" (own network namespace with only lo); <see cref="Rootfs"/> a directory on the agent the
/// task runs in, with <see cref="Binds"/> (host path -> path inside) mounted read-only. <see cref="Constraints"/> are a
/// one-shot task's Marathon placement constraints ([field, operator(, value)], see TaskConstraints); null: none.
/// <see cref="Fetch"/>: what the agent downloads into the sandbox before the task starts (null: nothing).
/// <see cref="Image"/>: run in that image's root filesystem (then <see cref="Argv"/> is what <see cref="TaskImage"/> says).
/// </summary>
internal sealed record TaskSpec(
    string Name,
    IReadOnlyList<string> Argv,
    IReadOnlyDictionary<string, string> Env,
    Resources Resources,
    string? AppId = null,
    string? AppVersion = null,
    int Ports = 0,
    string? User = null,
    string? Network = null,
    string? Rootfs = null,
    IReadOnlyDictionary<string, string>? Binds = null,
    IReadOnlyList<IReadOnlyList<string>>? Constraints = null,
    IReadOnlyList<Fetch.FetchUri>? Fetch = null,
    TaskImage? Image = null)
{
    /// <summary>True when the spec uses a field that older masters' encodings do not carry.</summary>
    public bool HasIsolationFields => Ports != 0 || User is not null || Network is not null || Rootfs is not null || Binds is not null || Constraints is not null || Fetch is not null || Image is not null;
}
