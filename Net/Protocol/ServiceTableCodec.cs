using MiniMesos.Core.Routing;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// The "services" message: {t, version, base, routes: [{port, app, vhost?, endpoints: [{task, host, port}]}], removed: [port]}.
/// Ports are checked (1-65535) so a bad push can never make the agent listen or dial anywhere odd.
/// </summary>
internal static class ServiceTableCodec
{
    public static void Write(ref MessagePackWriter w, ServiceTableUpdate m)
    {
        MessageCodec.Header(ref w, m, 5);
        w.WriteString("version"); w.WriteInt64(m.Version);
        w.WriteString("base"); w.WriteInt64(m.BaseVersion);
        w.WriteString("routes");
        w.WriteArrayHeader(m.Changed.Count);
        foreach (var route in m.Changed)
        {
            w.WriteMapHeader(route.Vhost is null ? 3 : 4);
            w.WriteString("port"); w.WriteInt64(route.ServicePort);
            w.WriteString("app"); w.WriteString(route.AppId);
            if (route.Vhost is not null)
            {
                w.WriteString("vhost"); w.WriteString(route.Vhost);
            }
            w.WriteString("endpoints");
            w.WriteArrayHeader(route.Endpoints.Count);
            foreach (var e in route.Endpoints)
            {
                w.WriteMapHeader(3);
                w.WriteString("task"); w.WriteString(e.TaskId);
                w.WriteString("host"); w.WriteString(e.Host);
                w.WriteString("port"); w.WriteInt64(e.Port);
            }
        }
        w.WriteString("removed");
        w.WriteArrayHeader(m.Removed.Count);
        foreach (var port in m.Removed) w.WriteInt64(port);
    }

    public static ServiceTableUpdate Read(WireFields f)
    {
        var routes = f.MapList("routes").Select(r => new ServiceRoute(Port(r, "port"), r.String("app"), r.OptionalString("vhost"),
            r.MapList("endpoints").Select(e => new ServiceEndpoint(e.String("task"), e.String("host"), Port(e, "port"))).ToList())).ToList();
        var removed = f.IntList("removed").Select(p => p is > 0 and <= 65535 ? (int)p : throw new ProtocolException($"services: removed port {p} is not a port")).ToList();
        var version = f.Int("version");
        var baseVersion = f.Int("base");
        if (version <= 0 || baseVersion < 0 || baseVersion >= version) throw new ProtocolException($"services: version {version} must be above base {baseVersion}");
        return new ServiceTableUpdate(version, baseVersion, routes, removed);
    }

    private static int Port(WireFields f, string name)
    {
        var port = f.Int32(name);
        return port is > 0 and <= 65535 ? port : throw new ProtocolException($"services: {name} {port} is not a port");
    }
}
