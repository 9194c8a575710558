using MiniMesos.Core.Text;

namespace MiniMesos.Core.Isolation;

/// <summary>
/// Which users an agent runs tasks as: <see cref="DefaultUser"/> (nobody) unless a task names one of
/// <see cref="Allowed"/> (the agent's --allowed-users, default nobody only). Pure: passwd text is passed in.
/// </summary>
internal sealed record TaskUserPolicy(IReadOnlyList<string> Allowed, string DefaultUser = "nobody")
{
    public static readonly TaskUserPolicy NobodyOnly = new(["nobody"]);

    /// <summary>The user to run as, or why the task must fail (naming the user and the flag that would allow it).</summary>
    public (string User, string? Refusal) Decide(string? requested, string? passwd)
    {
        var user = requested ?? DefaultUser;
        if (user != DefaultUser && !Allowed.Contains(user, StringComparer.Ordinal))
            return (user, $"user '{user}' is not allowed on this agent (allowed: {string.Join(", ", Allowed.Prepend(DefaultUser).Distinct())}); " +
                $"start the agent with --allowed-users {user} to allow it");
        if (passwd is not null && PasswdEntry.Find(passwd, user) is null)
            return (user, $"unknown user '{user}' on this agent (not in /etc/passwd)");
        return (user, null);
    }

    /// <summary>The policy for `--allowed-users a,b`; empty or null means nobody only.</summary>
    public static TaskUserPolicy Parse(string? list)
    {
        var users = (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var u in users)
            if (CharChecks.Any(u, c => c is ':' or '/' or '\n' or '\0' or ' '))
                throw new FormatException($"'{u}' is not a user name");
        return users.Length == 0 ? NobodyOnly : new TaskUserPolicy(users);
    }
}
