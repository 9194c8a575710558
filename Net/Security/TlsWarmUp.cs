using System.Net.Security;
using System.Security.Authentication;

namespace MiniMesos.Net.Security;

/// <summary>
/// Starts the TLS client's one-time set-up on a thread-pool thread while the CLI does everything else before its first
/// connection (configuration, token, master lookup, the request body, the TCP connect): loading libssl and libcrypto,
/// OpenSSL's initialisation and the client SSL_CTX, which .NET caches and every later connection of the process reuses.
/// It runs a handshake into a stream that reads nothing and writes nowhere, so nothing is sent and nothing is trusted:
/// each real connection still checks the master's certificate against the pinned CA. Call after
/// <see cref="SystemRoots.LeaveOut"/> (OpenSSL reads the environment while it starts).
/// </summary>
internal static class TlsWarmUp
{
    public static void Start() => _ = Task.Run(WarmAsync);

    private static async Task WarmAsync()
    {
        try
        {
            await using var ssl = new SslStream(Stream.Null, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "warm-up.invalid",
                RemoteCertificateValidationCallback = static (_, _, _, _) => false,
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or InvalidOperationException)
        {
            // Expected: the stream ends before any answer. What was loaded and initialised stays.
        }
    }
}
