namespace MiniMesos.Core.Routing;

/// <summary>
/// What the routing mesh does with one service port: forward to one of <see cref="Endpoints"/> (in task id order), the
/// instances of <see cref="AppId"/> that may take connections now. <see cref="Vhost"/>: the Host name that also reaches it
/// on the shared HTTP port (the app's MINIMESOS_VHOST label, first port only).
/// </summary>
internal sealed record ServiceRoute(int ServicePort, string AppId, string? Vhost, IReadOnlyList<ServiceEndpoint> Endpoints)
{
    /// <summary>Field-by-field equality, the endpoint lists included (records compare lists by reference).</summary>
    public bool SameAs(ServiceRoute other) =>
        ServicePort == other.ServicePort && AppId == other.AppId && Vhost == other.Vhost && Endpoints.SequenceEqual(other.Endpoints);
}
