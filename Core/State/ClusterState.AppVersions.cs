using MiniMesos.Core.Frameworks.Apps;

namespace MiniMesos.Core.State;

/// <summary>
/// The older config versions of each app (Marathon's version history, for /v2/apps/ID/versions): when a PutApp that
/// keeps versions replaces an app's config version, the replaced spec is kept, newest first, at most
/// <see cref="MaxAppVersions"/> per app (a spec is bounded by the API's body limit, so the history is bounded in size
/// too); a scale keeps the version and adds none; deleting the app drops its history.
/// </summary>
internal sealed partial class ClusterState
{
    public const int MaxAppVersions = 50;

    private readonly ChunkedTable<List<AppSpec>> _appVersions = new();

    /// <summary>The kept older versions of <paramref name="appId"/>, newest first (the current one is not among them).</summary>
    public IReadOnlyList<AppSpec> AppVersions(string appId) => _appVersions.TryGetValue(appId, out var list) ? list : [];

    public IReadOnlyDictionary<string, List<AppSpec>> AllAppVersions => _appVersions;

    private void PutApp(PutApp c)
    {
        if (c.KeepVersion && _apps.TryGetValue(c.App.Id, out var old) && old.Version != c.App.Version)
        {
            var list = _appVersions.TryGetValue(c.App.Id, out var shared) ? Own(_appVersions, c.App.Id, shared, CopyVersions) : Add(_appVersions, c.App.Id, []);
            list.Insert(0, old);
            if (list.Count > MaxAppVersions) list.RemoveRange(MaxAppVersions, list.Count - MaxAppVersions);
        }
        _apps[c.App.Id] = c.App;
    }

    private bool RemoveApp(RemoveApp c)
    {
        if (_appVersions.TryGetValue(c.AppId, out var versions)) Drop(_appVersions, c.AppId, versions);
        return _apps.Remove(c.AppId);
    }

    /// <summary>Replaces every app's history (a snapshot restore; call after <see cref="Restore"/>).</summary>
    public void RestoreAppVersions(IEnumerable<(string AppId, List<AppSpec> Versions)> versions)
    {
        _appVersions.Clear();
        foreach (var (appId, list) in versions)
            if (list.Count > 0) Add(_appVersions, appId, list.Take(MaxAppVersions).ToList());
    }
}
