using System.Text.Json;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Model;

namespace MiniMesos.Net.Http;

/// <summary>
/// The "constraints" field of a task request: Marathon's [["hostname","LIKE","pi[12]"], ...] (or "field:OP:value"
/// strings), read like an app's and checked with the same validator; errors name constraints[i]...
/// </summary>
internal static class TaskConstraintsField
{
    public static (TaskSpec? Spec, ApiError? Error) Apply(JsonElement root, (TaskSpec? Spec, ApiError? Error) parsed)
    {
        if (parsed.Spec is null || !root.TryGetProperty("constraints", out var v)) return parsed;
        List<IReadOnlyList<string>> constraints;
        try
        {
            constraints = MarathonAppParser.Constraints(v);
        }
        catch (MarathonFieldException e)
        {
            return (null, TaskRequestParser.Invalid(e.Path, e.Message));
        }
        var errors = new List<ValidationError>();
        TaskConstraints.Parse(constraints, errors);
        if (errors.Count > 0) return (null, TaskRequestParser.Invalid(errors[0].Path, errors[0].Reason));
        return (parsed.Spec with { Constraints = constraints.Count == 0 ? null : constraints }, null);
    }
}
