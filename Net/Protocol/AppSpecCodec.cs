using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// An <see cref="AppSpec"/> as one positional MessagePack array (fields in declaration order, nil for
/// absent optionals), shared by the PutApp command and the state snapshot. An app with an unreachableStrategy or a
/// killSelection other than the default appends ScaledAt and both ([enabled, inactiveAfterSeconds, expungeAfterSeconds] or
/// nil, then the selection): 21 fields; one scaled since its version appends ScaledAt only (19); every other app keeps
/// the 18 older masters read. Level 4 appends, in this order, as far as the last one an app has: fetch URIs (nil or the
/// form of IsolationFieldsCodec.WriteFetch): 22; service ports ([port...]) and requirePorts (bool): 24; the container of an app run from an image (IsolationFieldsCodec.WriteImage): 25.
/// </summary>
internal static class AppSpecCodec
{
    private const int Fields = 18;
    private const int FieldsWithScaledAt = 19;
    private const int FieldsWithUnreachable = 21;
    private const int FieldsWithFetch = 22;
    private const int FieldsWithServicePorts = 24;
    private const int FieldsWithContainer = 25;
    private const string What = "app spec";

    /// <summary>Versions 1 to 6: 18, 19 (ScaledAt), 21 (unreachableStrategy, killSelection), 22 (fetch), 24 (service ports), 25 (container).</summary>
    public static readonly RecordVersions Versions = new(What, Fields, FieldsWithScaledAt, FieldsWithUnreachable, FieldsWithFetch, FieldsWithServicePorts, FieldsWithContainer);

    private static readonly RecordVersions HealthCheckVersions = new("health check", 8);

    /// <summary>PutApp: [atMs, app] (version 1), + true (version 2): the replaced version is kept in the app's history (level 4).</summary>
    public static CommandFormat Put(byte tag) => CommandFormat.Of<PutApp>(tag, [2, 3], c => c.KeepVersion ? 2 : 1,
        (ref MessagePackWriter w, PutApp c, int v) =>
        {
            Write(ref w, c.App);
            if (v == 2) w.WriteBoolean(true);
        },
        (ref MessagePackReader r, long at, int v) => new PutApp(at, Read(ref r), v == 2 && r.ReadBoolean()));

    public static void Write(ref MessagePackWriter w, AppSpec app)
    {
        var withPorts = app.ServicePorts is { Count: > 0 } || app.RequirePorts;
        var level4 = app.Container is not null ? FieldsWithContainer : withPorts ? FieldsWithServicePorts : app.Fetch is not null ? FieldsWithFetch : 0;
        var extended = level4 > 0 || app.UnreachableStrategy is not null || app.KillSelection != KillSelection.YoungestFirst;
        w.WriteArrayHeader(level4 > 0 ? level4 : extended ? FieldsWithUnreachable : app.ScaledAt.Length > 0 ? FieldsWithScaledAt : Fields);
        w.WriteString(app.Id);
        w.WriteString(app.Cmd);
        MessagePackFields.WriteStrings(ref w, app.Args);
        MessagePackFields.WriteOptionalMap(ref w, app.Env);
        w.WriteDouble(app.Cpus);
        w.WriteDouble(app.Mem);
        w.WriteDouble(app.Disk);
        w.WriteInt64(app.Ports);
        w.WriteInt64(app.Instances);
        w.WriteString(app.User);
        MessagePackFields.WriteOptionalMap(ref w, app.Labels);
        IsolationFieldsCodec.WriteConstraints(ref w, app.Constraints);
        if (app.HealthChecks is null) w.WriteNil();
        else MessagePackFields.WriteList(ref w, app.HealthChecks, WriteHealthCheck);
        w.WriteDouble(app.BackoffSeconds);
        w.WriteDouble(app.BackoffFactor);
        w.WriteDouble(app.MaxLaunchDelaySeconds);
        if (app.UpgradeStrategy is null) w.WriteNil();
        else
        {
            w.WriteArrayHeader(2);
            w.WriteDouble(app.UpgradeStrategy.MinimumHealthCapacity);
            w.WriteDouble(app.UpgradeStrategy.MaximumOverCapacity);
        }
        w.WriteString(app.Version);
        if (app.ScaledAt.Length == 0 && !extended) return;
        w.WriteString(app.ScaledAt);
        if (!extended) return;
        if (app.UnreachableStrategy is not { } unreachable) w.WriteNil();
        else
        {
            w.WriteArrayHeader(3);
            w.WriteBoolean(!unreachable.Disabled);
            w.WriteInt64(unreachable.InactiveAfterSeconds);
            w.WriteInt64(unreachable.ExpungeAfterSeconds);
        }
        w.WriteInt64((int)app.KillSelection);
        if (level4 < FieldsWithFetch) return;
        if (app.Fetch is not null) IsolationFieldsCodec.WriteFetch(ref w, app.Fetch);
        else w.WriteNil();
        if (level4 < FieldsWithServicePorts) return;
        w.WriteArrayHeader(app.ServicePorts?.Count ?? 0);
        foreach (var port in app.ServicePorts ?? []) w.WriteInt64(port);
        w.WriteBoolean(app.RequirePorts);
        if (level4 < FieldsWithContainer) return;
        IsolationFieldsCodec.WriteImage(ref w, app.Container!);
    }

    public static AppSpec Read(ref MessagePackReader r)
    {
        var count = Versions.Fields(Versions.ReadHeader(ref r));
        var id = MessagePackFields.RequiredString(ref r, What);
        var cmd = r.ReadString();
        var args = MessagePackFields.ReadStrings(ref r, What);
        var env = MessagePackFields.ReadOptionalMap(ref r, What);
        var cpus = r.ReadDouble();
        var mem = r.ReadDouble();
        var disk = r.ReadDouble();
        var ports = r.ReadInt32();
        var instances = r.ReadInt32();
        var user = r.ReadString();
        var labels = MessagePackFields.ReadOptionalMap(ref r, What);
        var constraints = IsolationFieldsCodec.ReadConstraints(ref r, What, nilAsEmpty: true);
        var checks = r.TryReadNil() ? null : MessagePackFields.ReadList(ref r, ReadHealthCheck);
        var backoff = r.ReadDouble();
        var factor = r.ReadDouble();
        var maxDelay = r.ReadDouble();
        UpgradeStrategy? upgrade = null;
        if (!r.TryReadNil())
        {
            if (r.ReadArrayHeader() != 2) throw new ProtocolException($"{What}: upgradeStrategy needs 2 fields");
            upgrade = new UpgradeStrategy(r.ReadDouble(), r.ReadDouble());
        }
        var version = MessagePackFields.RequiredString(ref r, What);
        var scaledAt = count > Fields ? r.ReadString() ?? "" : "";
        UnreachableStrategy? unreachable = null;
        var selection = KillSelection.YoungestFirst;
        if (count >= FieldsWithUnreachable)
        {
            if (!r.TryReadNil())
            {
                if (r.ReadArrayHeader() != 3) throw new ProtocolException($"{What}: unreachableStrategy needs 3 fields");
                var enabled = r.ReadBoolean();
                unreachable = new UnreachableStrategy(r.ReadInt64(), r.ReadInt64(), !enabled);
            }
            var kill = r.ReadInt64();
            selection = Enum.IsDefined((KillSelection)kill) ? (KillSelection)kill : throw new ProtocolException($"{What}: unknown killSelection {kill}");
        }
        var fetch = count >= FieldsWithFetch && !r.TryReadNil() ? IsolationFieldsCodec.ReadFetch(ref r, What) : null;
        List<int>? servicePorts = null;
        var requirePorts = false;
        if (count >= FieldsWithServicePorts)
        {
            var n = r.ReadArrayHeader();
            servicePorts = new List<int>(Math.Min(n, 1000));
            for (var i = 0; i < n; i++)
            {
                var port = r.ReadInt64();
                servicePorts.Add(port is > 0 and <= 65535 ? (int)port : throw new ProtocolException($"{What}: service port {port} is not a port"));
            }
            if (servicePorts.Count == 0) servicePorts = null;
            requirePorts = r.ReadBoolean();
        }
        var container = count >= FieldsWithContainer ? IsolationFieldsCodec.ReadImage(ref r, What) : null;
        return new AppSpec(id, cmd, args, env, cpus, mem, disk, ports, instances, user, labels, constraints, checks, backoff, factor, maxDelay,
            upgrade, version, unreachable, selection, scaledAt, fetch, servicePorts, requirePorts, container);
    }

    private static void WriteHealthCheck(ref MessagePackWriter w, HealthCheckSpec h)
    {
        HealthCheckVersions.WriteHeader(ref w, 1);
        w.WriteString(h.Protocol);
        w.WriteString(h.Command);
        w.WriteString(h.Path);
        w.WriteInt64(h.PortIndex);
        w.WriteDouble(h.GracePeriodSeconds);
        w.WriteDouble(h.IntervalSeconds);
        w.WriteDouble(h.TimeoutSeconds);
        w.WriteInt64(h.MaxConsecutiveFailures);
    }

    private static HealthCheckSpec ReadHealthCheck(ref MessagePackReader r)
    {
        HealthCheckVersions.ReadHeader(ref r);
        return new HealthCheckSpec(MessagePackFields.RequiredString(ref r, What), r.ReadString(), r.ReadString(), r.ReadInt32(),
            r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadInt32());
    }
}
