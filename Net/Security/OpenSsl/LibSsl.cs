using System.Runtime.InteropServices;

namespace MiniMesos.Net.Security.OpenSsl;

/// <summary>
/// The libssl calls of the CLI's own TLS client (<see cref="TlsClientStream"/>), bound to the system's OpenSSL 3
/// (<c>libssl.so.3</c>, loaded on the first call, never at start: a plain-HTTP command does not load it). Only what the
/// client uses; macros of ssl.h are spelled out as the <c>*_ctrl</c> calls they expand to.
/// </summary>
internal static unsafe partial class LibSsl
{
    private const string Lib = "libssl.so.3";

    public const int ErrorNone = 0;
    public const int ErrorSsl = 1;
    public const int ErrorWantRead = 2;
    public const int ErrorWantWrite = 3;
    public const int ErrorSyscall = 5;
    public const int ErrorZeroReturn = 6;

    public const int CtrlSetMinProtoVersion = 123;   // SSL_CTX_set_min_proto_version
    public const int CtrlSetTlsExtHostName = 55;     // SSL_set_tlsext_host_name
    public const int CtrlSetSessCacheMode = 44;      // SSL_CTX_set_session_cache_mode
    public const int Tls12Version = 0x0303;
    public const ulong InitNoAtExit = 0x00080000;    // OPENSSL_INIT_NO_ATEXIT
    public const ulong InitNoAddAllCiphers = 0x10;   // OPENSSL_INIT_NO_ADD_ALL_CIPHERS
    public const ulong InitNoLoadConfig = 0x80;      // OPENSSL_INIT_NO_LOAD_CONFIG
    public const ulong OptionNoRenegotiation = 1UL << 30;

    [LibraryImport(Lib)]
    public static partial int OPENSSL_init_ssl(ulong options, nint settings);

    [LibraryImport(Lib)]
    public static partial nint TLS_client_method();

    [LibraryImport(Lib)]
    public static partial nint SSL_CTX_new(nint method);

    [LibraryImport(Lib)]
    public static partial nint SSL_CTX_ctrl(nint ctx, int command, nint larg, nint parg);

    [LibraryImport(Lib)]
    public static partial ulong SSL_CTX_set_options(nint ctx, ulong options);

    [LibraryImport(Lib)]
    public static partial void SSL_CTX_set_security_level(nint ctx, int level);

    [LibraryImport(Lib)]
    public static partial nint SSL_new(nint ctx);

    [LibraryImport(Lib)]
    public static partial void SSL_free(nint ssl);

    [LibraryImport(Lib)]
    public static partial nint SSL_ctrl(nint ssl, int command, nint larg, nint parg);

    [LibraryImport(Lib)]
    public static partial void SSL_set_bio(nint ssl, nint readBio, nint writeBio);

    [LibraryImport(Lib)]
    public static partial void SSL_set_connect_state(nint ssl);

    [LibraryImport(Lib)]
    public static partial int SSL_do_handshake(nint ssl);

    [LibraryImport(Lib)]
    public static partial int SSL_read(nint ssl, byte* buffer, int count);

    [LibraryImport(Lib)]
    public static partial int SSL_write(nint ssl, byte* buffer, int count);

    [LibraryImport(Lib)]
    public static partial int SSL_get_error(nint ssl, int result);

    [LibraryImport(Lib)]
    public static partial int SSL_pending(nint ssl);

    /// <summary>The peer's leaf certificate, with a reference the caller frees (X509_free).</summary>
    [LibraryImport(Lib)]
    public static partial nint SSL_get1_peer_certificate(nint ssl);

    /// <summary>The certificates the peer sent (its leaf first, on a client), owned by the SSL object.</summary>
    [LibraryImport(Lib)]
    public static partial nint SSL_get_peer_cert_chain(nint ssl);
}
