namespace MiniMesos.Net.Security.OpenSsl;

/// <summary>
/// The process's one OpenSSL client context for <see cref="TlsClientStream"/>: TLS 1.2 or 1.3 with OpenSSL's default
/// ciphers and groups as the system's OpenSSL configuration sets them, no renegotiation, no session cache. It verifies
/// nothing itself (the server's certificate is checked against the cluster CA after the handshake, by
/// <see cref="PeerCertificates"/>); the handshake still proves the server holds its certificate's key.
/// </summary>
internal static class TlsClientContext
{
    private static readonly Lazy<nint> Context = new(Create);

    public static nint Shared => Context.Value;

    private static nint Create()
    {
        try
        {
            if (LibSsl.OPENSSL_init_ssl(0, 0) != 1) throw new IOException("OpenSSL could not start");
            var context = LibSsl.SSL_CTX_new(LibSsl.TLS_client_method());
            if (context == 0) throw new IOException("OpenSSL could not make a TLS client context");
            LibSsl.SSL_CTX_ctrl(context, LibSsl.CtrlSetMinProtoVersion, LibSsl.Tls12Version, 0);
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
