using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// An <see cref="AppSpec"/> as one positional MessagePack array (fields in declaration order, nil for absent optionals),
/// shared by the PutApp command and the state snapshot. Version 1 (18 fields) is what older masters read; each later
/// version appends, and is written only for an app that uses what it adds (<see cref="Versions"/>): 2 ScaledAt (an app
/// scaled since its version); 3 unreachableStrategy ([enabled, inactiveAfterSeconds, expungeAfterSeconds] or nil) and
/// killSelection; 4 fetch URIs (nil or IsolationFieldsCodec.WriteFetch's form); 5 service ports ([port...]) and
/// requirePorts; 6 the container of an app run from an image (IsolationFieldsCodec.WriteImage). Versions 4 to 6 are level 4.
/// </summary>
internal static class AppSpecCodec
{
    private const string What = "app spec";
    private const int WithScaledAt = 2;
    private const int WithUnreachable = 3;
    private const int WithFetch = 4;
    private const int WithServicePorts = 5;
    private const int WithContainer = 6;

    /// <summary>Versions 1 to 6: 18 fields, 19 (ScaledAt), 21 (unreachableStrategy, killSelection), 22 (fetch), 24 (service ports, requirePorts), 25 (container).</summary>
    public static readonly RecordVersions Versions = new(What, 18, 19, 21, 22, 24, 25);

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
        var layout = app.Container is not null ? WithContainer
            : app.ServicePorts is { Count: > 0 } || app.RequirePorts ? WithServicePorts
            : app.Fetch is not null ? WithFetch
            : app.UnreachableStrategy is not null || app.KillSelection != KillSelection.YoungestFirst ? WithUnreachable
            : app.ScaledAt.Length > 0 ? WithScaledAt : 1;
        Versions.WriteHeader(ref w, layout);
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
        if (layout < WithScaledAt) return;
        w.WriteString(app.ScaledAt);
        if (layout < WithUnreachable) return;
        if (app.UnreachableStrategy is not { } unreachable) w.WriteNil();
        else
        {
            w.WriteArrayHeader(3);
            w.WriteBoolean(!unreachable.Disabled);
            w.WriteInt64(unreachable.InactiveAfterSeconds);
            w.WriteInt64(unreachable.ExpungeAfterSeconds);
        }
        w.WriteInt64((int)app.KillSelection);
        if (layout < WithFetch) return;
        if (app.Fetch is not null) IsolationFieldsCodec.WriteFetch(ref w, app.Fetch);
        else w.WriteNil();
        if (layout < WithServicePorts) return;
        MessagePackFields.WriteList(ref w, app.ServicePorts ?? [], (ref MessagePackWriter w, int port) => w.WriteInt64(port));
        w.WriteBoolean(app.RequirePorts);
        if (layout < WithContainer) return;
        IsolationFieldsCodec.WriteImage(ref w, app.Container!);
    }

    public static AppSpec Read(ref MessagePackReader r)
    {
        var layout = Versions.ReadHeader(ref r);
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
        var scaledAt = layout >= WithScaledAt ? r.ReadString() ?? "" : "";
        UnreachableStrategy? unreachable = null;
        var selection = KillSelection.YoungestFirst;
        if (layout >= WithUnreachable)
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
        var fetch = layout >= WithFetch && !r.TryReadNil() ? IsolationFieldsCodec.ReadFetch(ref r, What) : null;
        List<int>? servicePorts = null;
        var requirePorts = false;
        if (layout >= WithServicePorts)
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
        var container = layout >= WithContainer ? IsolationFieldsCodec.ReadImage(ref r, What) : null;
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
