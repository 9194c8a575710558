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
/// It runs on a thread of its own, started at once: queued to the thread pool (Task.Run) from the command's pool thread,
/// it sat in that thread's local queue and ran only when the command first waited, on the TCP connect, so libssl was
/// still loading when the handshake needed it (strace: libssl opened right after connect(), by the same thread).
/// </summary>
internal static class TlsWarmUp
{
    private static int _started;

    /// <summary>Starts the warm-up once per process (later calls do nothing).</summary>
    public static void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) return;
        new Thread(Warm) { IsBackground = true, Name = "tls warm-up" }.Start();
    }

    private static void Warm()
    {
        try
        {
            // The handshake writes its ClientHello into the memory stream and then reads its end: all of it completes on
            // this thread. (Stream.Null is not used: in the published binary it reached SslStream as null.)
            using var ssl = new SslStream(new MemoryStream(), leaveInnerStreamOpen: false);
            ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "warm-up.invalid",
                RemoteCertificateValidationCallback = static (_, _, _, _) => false,
            }).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // Expected (the stream ends before any answer); and whatever else went wrong, a warm-up must not end the
            // command: each real connection does its own set-up and check. What was loaded and initialised stays.
        }
        try
        {
            // Then the certificate check's own one-time costs: .NET's chain engine (its statics, and the user's .NET
            // certificate stores it reads on its first build: a PFX left there by other software is decrypted then) and
            // the signature check, on a throw-away self-signed certificate checked against itself. Nothing is trusted.
            using var throwAway = ClusterCa.SelfSigned("warm-up", [], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
            ClusterCa.ChainsTo(throwAway, throwAway, DateTime.UtcNow);
        }
        catch (Exception)
        {
            // As above.
        }
    }
}
