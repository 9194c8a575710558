using Microsoft.Extensions.Logging;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Master;

/// <summary>
/// The loop a built-in framework runs while this master leads (one of its <see cref="Leader.LeaderServices"/>, which
/// cancels it when leadership moves): a pass on every state change and at least when <c>wait</c> says. One failed
/// pass (a proposal timing out, leadership lost mid-pass before the loop is cancelled) is logged and the loop goes on.
/// </summary>
internal static class FrameworkLoop
{
    public static async Task RunAsync(string name, MasterService master, TimeProvider time, Func<TimeSpan> wait,
        Func<CancellationToken, Task> pass, ILogger logger, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAny(master.NextChange, Task.Delay(wait(), time, cancellationToken)).ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested) return;
                await pass(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (NotLeaderException)
            {
            }
            catch (Exception e)
            {
                logger.LogError("{Name} loop: {Error}", name, e.Message);
            }
        }
    }
}
