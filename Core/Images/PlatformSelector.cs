namespace MiniMesos.Core.Images;

/// <summary>
/// Picks the manifest for the agent's platform from an image index (or Docker manifest list). The OS and
/// architecture must match; among variants the best one the target can run wins: arm64 takes "" or v8; 32-bit arm
/// at v7 takes v7, then v6, then v5 (older ARM code runs on newer cores), then an unnamed variant; amd64 takes ""
/// or v1, or levels up to the target's own when it names one. Entries without a platform (attestations, unknown/unknown)
/// never match.
/// </summary>
internal static class PlatformSelector
{
    public static OciDescriptor? Select(OciIndex index, OciPlatform target, out string error)
    {
        error = "";
        var manifests = index.Manifests ?? [];
        var best = manifests
            .Where(m => OciMediaTypes.IsManifest(m.MediaType) || m.MediaType is null)
            .Select(m => (Manifest: m, Rank: Rank(m.Platform, target)))
            .Where(c => c.Rank >= 0)
            .OrderBy(c => c.Rank)
            .Select(c => c.Manifest)
            .FirstOrDefault();
        if (best is not null) return best;
        var offered = manifests.Where(m => m.Platform is { Os: not null and not "unknown" })
            .Select(m => m.Platform!.ToString()).Distinct().ToList();
        error = $"the image has no manifest for {target}" + (offered.Count == 0 ? " (its index names no platform)" : $"; it has {string.Join(", ", offered)}");
        return null;
    }

    /// <summary>0 is the best match, higher is worse, -1 does not run on the target.</summary>
    public static int Rank(OciPlatform? candidate, OciPlatform target)
    {
        if (candidate is null || candidate.Os != target.Os || candidate.Architecture != target.Architecture) return -1;
        var variant = candidate.Variant ?? "";
        var wanted = target.Variant ?? "";
        switch (target.Architecture)
        {
            case "arm64":
                return variant is "" or "v8" ? 0 : -1;
            case "arm":
                if (variant == "") return 10;
                var have = Level(variant);
                var want = wanted == "" ? 7 : Level(wanted);
                return have > 0 && want > 0 && have <= want ? want - have : -1;
            case "amd64":
                if (variant is "" or "v1") return 0;
                var level = Level(variant);
                var max = Level(wanted);
                return level > 0 && level <= max ? max - level + 1 : -1;
            default:
                return variant == wanted ? 0 : variant == "" ? 1 : -1;
        }
    }

    private static int Level(string variant) =>
        variant.Length >= 2 && variant[0] == 'v' && int.TryParse(variant.AsSpan(1), out var n) ? n : 0;
}
