namespace MiniMesos.Net.Master;

/// <summary>
/// The leader's once-a-second work for external frameworks: feed the allocator from the state, remove frameworks
/// away past their failover timeout, send offers and rescinds, and (re)send status updates until acknowledged.
/// </summary>
internal sealed partial class MasterService
{
    /// <summary>An unacknowledged status update is sent again after this long.</summary>
    public static readonly TimeSpan UpdateResend = Offers.OfferHub.UpdateResend;

    private async Task MaintainFrameworksAsync(CancellationToken cancellationToken)
    {
        var (sends, expired, appsOffered) = _offers.Upkeep();
        // Offers made to the built-in apps framework wait for its next pass: wake it now.
        if (appsOffered) Changed();
        foreach (var (session, message) in sends) await session.SendAsync(message).ConfigureAwait(false);
        foreach (var (id, timeout) in expired)
            await RemoveFrameworkAsync(id, $"disconnected for longer than its failover timeout of {timeout:0.###} s", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>This master stopped leading (called with <see cref="ReleaseAgents"/>): frameworks re-subscribe at the new leader, which keeps them and their tasks.</summary>
    private void ReleaseFrameworks()
    {
        foreach (var session in _offers.Release()) session.Disconnect();
    }
}
