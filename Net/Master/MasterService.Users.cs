namespace MiniMesos.Net.Master;

internal sealed partial class MasterService
{
    /// <summary>
    /// Why an app asking for <paramref name="user"/> could never start, when that can be known now: every connected
    /// agent said which users it runs tasks as (--allowed-users and its default) and none of them allows it. Null when
    /// some agent allows it, when no agent is connected, or when one did not say (an older agent): the agent decides.
    /// </summary>
    public string? UserRefusal(string? user)
    {
        if (user is null) return null;
        var lists = _agents.Connections().Select(c => c.Value.AllowedUsers).ToList();
        if (lists.Count == 0 || lists.Any(l => l is null)) return null;
        if (lists.Any(l => l!.Contains(user, StringComparer.Ordinal))) return null;
        var allowed = lists.SelectMany(l => l!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return $"no agent runs tasks as '{user}' (the connected agents allow: {string.Join(", ", allowed)}); " +
            $"start an agent with --allowed-users {user} to allow it";
    }
}
