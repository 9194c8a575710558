using System.Text.Json;
using MiniMesos.Net.Http.Server;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>
/// Marathon's two rollbacks: <c>PUT /v2/apps/ID {"version": V}</c> puts back a version listed by /versions, and
/// <c>DELETE /v2/deployments/ID</c> without force reverts the app to what it was before that deployment. Both are a new
/// change with its own version and deployment (the restored definition, as /versions/V shows it, with a new version);
/// restoring what the app already is changes nothing and answers no deployment, as any no-op PUT.
/// </summary>
internal static class MarathonRollback
{
    /// <summary>
    /// The version of a rollback body: one with "version" and nothing else but "id" (Marathon refuses "version" beside
    /// other fields; MiniMesos reads such a body as an update and ignores the version, so GET output posts back).
    /// Null when the body is no rollback; an error when its version is not a string.
    /// </summary>
    public static (string? Version, string? Error) VersionOf(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var version)) return (null, null);
            foreach (var p in root.EnumerateObject())
                if (p.Name is not ("version" or "id")) return (null, null);
            return version.ValueKind == JsonValueKind.String && version.GetString() is { Length: > 0 } v
                ? (v, null)
                : (null, "must be a version listed by GET /v2/apps/ID/versions (a string such as 2026-12-06T20:45:01.958Z)");
        }
        catch (JsonException)
        {
            return (null, null); // the app parser answers the body's error
        }
        catch (InvalidOperationException)
        {
            return (null, null);
        }
    }

    /// <summary>PUT {"version": V}: the app goes back to version <paramref name="version"/> as a new change.</summary>
    public static async Task<IResult> ToVersionAsync(MasterService master, AppSpec current, string version, CancellationToken cancel)
    {
        var target = MarathonEndpoints.Versions(master, current).FirstOrDefault(v => v.Version == version).Spec;
        if (target is null) return MarathonResults.Error(StatusCodes.Status404NotFound, $"App '{current.Id}' does not exist in version {version}");
        return await RestoreAsync(master, current, target, StatusCodes.Status200OK, cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// DELETE /v2/deployments/ID: a config change goes back to the version it replaced (with that version's instance
    /// count); a deployment that created the app deletes it, as Marathon reverts a creation. A scale goes back to the
    /// instances of its version running now: the count before a scale is not kept (a scale adds no version).
    /// </summary>
    public static async Task<IResult> RevertDeploymentAsync(MasterService master, AppSpec current, CancellationToken cancel)
    {
        var scale = string.CompareOrdinal(current.ScaledAt, current.Version) > 0;
        if (scale)
        {
            var running = master.Tasks().Count(t => t.Spec.AppId == current.Id && !t.State.IsTerminal() && t.Spec.AppVersion == current.Version);
            var reverted = current with { Instances = running, ScaledAt = MarathonViews.NewVersion(TimeProvider.System, current.LastChange) };
            if (running == current.Instances) return ApiResults.Json(new MarathonChange(current.LastChange, null), MarathonJsonContext.Default.MarathonChange);
            reverted = await master.PutAppAsync(reverted, cancel).ConfigureAwait(false);
            return MarathonEndpoints.Changed(reverted, StatusCodes.Status200OK);
        }
        var previous = master.AppVersions(current.Id).FirstOrDefault();
        // Without a kept version, only a deployment that created the app can be reverted (no instance of an older
        // version is there); a version from before every master kept history cannot.
        if (previous is null && master.Tasks().Any(t => t.Spec.AppId == current.Id && !t.State.IsTerminal() && t.Spec.AppVersion != current.Version))
            return MarathonResults.Error(StatusCodes.Status409Conflict,
                $"App '{current.Id}' has no kept version before {current.Version} (versions are kept once every master runs feature level {Core.State.FeatureGate.Fetch}): use force=true to stop the deployment where it is");
        if (previous is null)
        {
            if (!await master.RemoveAppAsync(current.Id, cancel).ConfigureAwait(false)) return MarathonResults.NoSuchApp(current.Id);
            var version = MarathonViews.NewVersion(TimeProvider.System, current.LastChange);
            return ApiResults.Json(new MarathonChange(version, MarathonViews.DeploymentId(current.Id, "delete " + version)), MarathonJsonContext.Default.MarathonChange);
        }
        return await RestoreAsync(master, current, previous, StatusCodes.Status200OK, cancel).ConfigureAwait(false);
    }

    private static async Task<IResult> RestoreAsync(MasterService master, AppSpec current, AppSpec target, int status, CancellationToken cancel)
    {
        if (MarathonEndpoints.Same(current, target))
            return ApiResults.Json(new MarathonChange(current.LastChange, null), MarathonJsonContext.Default.MarathonChange);
        if (target.User != current.User && master.UserRefusal(target.User) is { } refusal)
            return MarathonResults.Invalid(MarathonParse.Fail([new("user", refusal)]));
        var restored = target with { Version = MarathonViews.NewVersion(TimeProvider.System, current.LastChange), ScaledAt = "" };
        restored = await master.PutAppAsync(restored, cancel).ConfigureAwait(false);
        return MarathonEndpoints.Changed(restored, status);
    }
}
