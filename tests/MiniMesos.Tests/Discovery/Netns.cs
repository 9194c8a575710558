using System.Runtime.InteropServices;

namespace MiniMesos.Tests.Discovery;

/// <summary>
/// Runs code inside a lab host's network namespace: setns() on a dedicated thread that exits afterwards, so
/// sockets created there live in that namespace while the rest of the test process stays where it was.
/// </summary>
internal static partial class Netns
{
    private const int CloneNewNet = 0x40000000;

    public static T Run<T>(string name, Func<T> action)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{name}");
                if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns({name}) failed: errno {Marshal.GetLastPInvokeError()}");
                }
                result = action();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null) throw new InvalidOperationException($"in netns {name}: {error.Message}", error);
        return result!;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);
}
