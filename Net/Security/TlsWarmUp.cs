using System.Security.Cryptography;

namespace MiniMesos.Net.Security;

/// <summary>
/// Starts a CLI process's OpenSSL on a thread of its own from the process's first moment: loading libssl and libcrypto
/// and OpenSSL's initialisation (its algorithm and error-string tables, the configuration file), ~3 ms of CPU that the
/// first connection would otherwise spend on the main thread after the command line is parsed, the config read and the
/// request built. Nothing is connected, sent or trusted here; a connection that comes first waits for the same
/// initialisation (OpenSSL's and .NET's own locks), as it would without this.
/// </summary>
internal static class TlsWarmUp
{
    public static void Start()
    {
        var thread = new Thread(Warm) { IsBackground = true, Name = "tls warm-up" };
        thread.UnsafeStart();
    }

    private static void Warm()
    {
        try
        {
            // The process's first OpenSSL call: .NET loads the libraries and initialises OpenSSL before it hashes.
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(ReadOnlySpan<byte>.Empty, digest);
        }
        catch (CryptographicException)
        {
            // Only a head start: the connection does the same again and reports what fails.
        }
    }
}
