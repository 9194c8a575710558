using System.Text.Json;
using MiniMesos.Core.Model;

namespace MiniMesos.Net.Http;

/// <summary>
/// The "fetch" field of a task request, as Marathon's app field: [{"uri", "extract", "executable", "cache", "destPath"}],
/// downloaded by the agent into the sandbox before the task starts; errors name fetch[i].field.
/// </summary>
internal static class TaskFetchField
{
    public static (TaskSpec? Spec, ApiError? Error) Apply(JsonElement root, (TaskSpec? Spec, ApiError? Error) parsed)
    {
        if (parsed.Spec is null || !root.TryGetProperty("fetch", out var v)) return parsed;
        try
        {
            return (parsed.Spec with { Fetch = MarathonFetchFields.ParseFetch(v) }, null);
        }
        catch (MarathonFieldException e)
        {
            return (null, TaskRequestParser.Invalid(e.Path, e.Message));
        }
    }
}
