using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>`run --constraint FIELD:OPERATOR[:VALUE]` (repeatable) as Marathon triples, checked like the API checks them.</summary>
internal static class ConstraintArgs
{
    public static List<IReadOnlyList<string>>? Parse(string[]? values)
    {
        if (values is not { Length: > 0 }) return null;
        var result = new List<IReadOnlyList<string>>();
        foreach (var value in values)
        {
            var parts = value.Split(':', 3); // the value may hold ':' (a regular expression)
            if (parts.Length < 2) throw new ConfigException($"--constraint: '{value}' is not FIELD:OPERATOR[:VALUE]");
            var errors = new List<ValidationError>();
            TaskConstraints.Parse([parts], errors);
            if (errors.Count > 0) throw new ConfigException($"--constraint: '{value}': {errors[0].Reason}");
            result.Add(parts);
        }
        return result;
    }
}
