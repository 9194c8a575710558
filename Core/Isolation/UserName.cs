namespace MiniMesos.Core.Isolation;

/// <summary>The shape of a user name a task may ask to run as (whether the agent allows it is <see cref="TaskUserPolicy"/>'s call).</summary>
internal static class UserName
{
    public const string Rule = "must be a user name (1-32 of letters, digits, '.', '_' or '-', not starting with '-')";

    /// <summary><c>[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}</c>.</summary>
    public static bool IsValid(string? name)
    {
        if (name is not { Length: >= 1 and <= 32 } || name[0] == '-') return false;
        foreach (var c in name)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-')) return false;
        return true;
    }
}
