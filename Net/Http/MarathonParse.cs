using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;

namespace MiniMesos.Net.Http;

/// <summary>What <see cref="MarathonAppParser"/> made of a body: the spec, or the error (and every validation error).</summary>
internal sealed record MarathonParse(
    AppSpec? App,
    IReadOnlyList<string> UnsupportedFields,
    IReadOnlyList<string> Warnings,
    ApiError? Error,
    IReadOnlyList<ValidationError> Errors)
{
    public static MarathonParse Fail(string path, string reason, IReadOnlyList<ValidationError>? all = null) =>
        new(null, [], [], new ApiError($"invalid app: {(path.Length == 0 ? "body" : path)}: {reason}", path, reason), all ?? [new ValidationError(path, reason)]);
}
