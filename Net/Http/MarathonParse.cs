using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;

namespace MiniMesos.Net.Http;

/// <summary>
/// What <see cref="MarathonAppParser"/> made of a body: the spec, or every error found (each bad field, not only the
/// first). <see cref="BodyError"/> is set when the body is no JSON object at all (400 rather than 422).
/// </summary>
internal sealed record MarathonParse(
    AppSpec? App,
    IReadOnlyList<string> UnsupportedFields,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<ValidationError> Errors,
    string? BodyError = null)
{
    public static MarathonParse Fail(IReadOnlyList<ValidationError> errors) => new(null, [], [], errors);

    public static MarathonParse BadBody(string message) => new(null, [], [], [], message);

    /// <summary>The message of a failed parse: the first error, as "path: reason".</summary>
    public string Message => BodyError ?? (Errors.Count == 0 ? "" : $"Object is not valid: {Errors[0].Path}: {Errors[0].Reason}"
        + (Errors.Count > 1 ? $" (and {Errors.Count - 1} more in details)" : ""));
}
