namespace MiniMesos.Net.Security.OpenSsl;

/// <summary>
/// The process's one OpenSSL client context for <see cref="TlsClientStream"/>: TLS 1.2 or 1.3 with OpenSSL's built-in
/// default ciphers and groups at security level 2, no renegotiation, no session cache. It verifies
/// nothing itself (the server's certificate is checked against the cluster CA after the handshake, by
/// <see cref="PeerCertificates"/>); the handshake still proves the server holds its certificate's key.
/// OpenSSL starts without the system's configuration file and without filling its legacy table of every cipher (TLS
/// fetches its ciphers from the provider): the client talks only to masters (our own server, its CA pinned) and sets
/// what it needs here, and the two cost ~0.4 ms of the ~2.7 ms OpenSSL takes to load, start and make the context
/// (bench/run-e2e README). The legacy digest table stays: certificate signatures are checked through it (without it,
/// "unknown message digest algorithm").
/// </summary>
internal static class TlsClientContext
{
    private static readonly Lazy<nint> Context = new(Create);

    public static nint Shared => Context.Value;

    /// <summary>
    /// Starts loading and starting OpenSSL and making the context on a thread of its own, so that it runs beside the
    /// caller's own start-up (finding the master, building the HTTP client, connecting) instead of after it
    /// (bench/run-e2e). Loading a library holds the dynamic loader's lock, which every new thread takes too (for its
    /// thread-local storage): the threads the HTTP client is about to need (a pool worker, the pool's gate thread, the
    /// timer thread) are made first, or they would each wait for the load. A failure is left for <see cref="Shared"/>.
    /// </summary>
    public static void WarmUp()
    {
        if (Context.IsValueCreated) return;
        ThreadPool.UnsafeQueueUserWorkItem(static _ => { }, null);
        using (new Timer(static _ => { }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan))
        {
        }
        new Thread(() =>
        {
            try
            {
                _ = Context.Value;
            }
            catch (IOException)
            {
                // Reported to the connection that needs the context.
            }
        }, 256 * 1024) { IsBackground = true, Name = "OpenSSL warm-up" }.Start();
    }

    private static nint Create()
    {
        try
        {
            // No clean-up handler at exit: OpenSSL's would free its state under a thread still using it (the warm-up
            // thread, when a command fails fast and exits; seen as segfaults at exit in 1 of 8 refused connections).
            const ulong options = LibSsl.InitNoAtExit | LibSsl.InitNoLoadConfig | LibSsl.InitNoAddAllCiphers;
            if (LibSsl.OPENSSL_init_ssl(options, 0) != 1) throw new IOException("OpenSSL could not start");
            var context = LibSsl.SSL_CTX_new(LibSsl.TLS_client_method());
            if (context == 0) throw new IOException("OpenSSL could not make a TLS client context");
            LibSsl.SSL_CTX_ctrl(context, LibSsl.CtrlSetMinProtoVersion, LibSsl.Tls12Version, 0);
            LibSsl.SSL_CTX_set_security_level(context, 2);   // OpenSSL's build default on Debian, set here as no configuration file is read
            LibSsl.SSL_CTX_ctrl(context, LibSsl.CtrlSetSessCacheMode, 0, 0);
            LibSsl.SSL_CTX_set_options(context, LibSsl.OptionNoRenegotiation);
            return context;
        }
        catch (DllNotFoundException e)
        {
            throw new IOException($"TLS needs the system's OpenSSL 3 (libssl.so.3; on Debian and Raspberry Pi OS the package libssl3): {e.Message}", e);
        }
    }
}
