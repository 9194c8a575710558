using System.Text.RegularExpressions;

namespace MiniMesos.Core.Isolation;

/// <summary>The shape of a user name a task may ask to run as (whether the agent allows it is <see cref="TaskUserPolicy"/>'s call).</summary>
internal static partial class UserName
{
    public const string Rule = "must be a user name (1-32 of letters, digits, '.', '_' or '-', not starting with '-')";

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}$")]
    private static partial Regex Pattern();
}
