using System.Runtime.InteropServices;

namespace MiniMesos.Net.Security.OpenSsl;

/// <summary>The libcrypto calls of the CLI's TLS client: memory BIOs, errors, and the certificate checks of <see cref="PeerCertificates"/>.</summary>
internal static unsafe partial class LibCrypto
{
    private const string Lib = "libcrypto.so.3";

    public const uint ExtensionFlagCa = 0x10;   // EXFLAG_CA: basicConstraints says CA

    [LibraryImport(Lib)]
    public static partial nint BIO_s_mem();

    [LibraryImport(Lib)]
    public static partial nint BIO_new(nint method);

    [LibraryImport(Lib)]
    public static partial int BIO_free(nint bio);

    [LibraryImport(Lib)]
    public static partial int BIO_read(nint bio, byte* buffer, int count);

    [LibraryImport(Lib)]
    public static partial int BIO_write(nint bio, byte* buffer, int count);

    [LibraryImport(Lib)]
    public static partial nuint BIO_ctrl_pending(nint bio);

    [LibraryImport(Lib)]
    public static partial nuint ERR_get_error();

    [LibraryImport(Lib)]
    public static partial void ERR_error_string_n(nuint error, byte* buffer, nuint length);

    [LibraryImport(Lib)]
    public static partial void ERR_clear_error();

    [LibraryImport(Lib)]
    public static partial void X509_free(nint x509);

    [LibraryImport(Lib)]
    public static partial nint d2i_X509(nint into, byte** input, nint length);

    [LibraryImport(Lib)]
    public static partial int i2d_X509(nint x509, byte** output);

    [LibraryImport(Lib)]
    public static partial int X509_up_ref(nint x509);

    [LibraryImport(Lib)]
    public static partial int OPENSSL_sk_num(nint stack);

    [LibraryImport(Lib)]
    public static partial nint OPENSSL_sk_value(nint stack, int index);

    [LibraryImport(Lib)]
    public static partial nint X509_get_subject_name(nint x509);

    [LibraryImport(Lib)]
    public static partial nint X509_get_issuer_name(nint x509);

    [LibraryImport(Lib)]
    public static partial int X509_NAME_cmp(nint a, nint b);

    [LibraryImport(Lib)]
    public static partial uint X509_get_extension_flags(nint x509);

    [LibraryImport(Lib)]
    public static partial int X509_cmp(nint a, nint b);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint OBJ_txt2obj(string text, int noName);

    [LibraryImport(Lib)]
    public static partial void ASN1_OBJECT_free(nint obj);

    [LibraryImport(Lib)]
    public static partial int X509_get_ext_by_OBJ(nint x509, nint obj, int lastPosition);

    [LibraryImport(Lib)]
    public static partial nint X509_get_ext(nint x509, int location);

    [LibraryImport(Lib)]
    public static partial nint X509_EXTENSION_get_data(nint extension);

    [LibraryImport(Lib)]
    public static partial byte* ASN1_STRING_get0_data(nint text);

    [LibraryImport(Lib)]
    public static partial int ASN1_STRING_length(nint text);

    [LibraryImport(Lib)]
    public static partial nint X509_STORE_new();

    [LibraryImport(Lib)]
    public static partial void X509_STORE_free(nint store);

    [LibraryImport(Lib)]
    public static partial int X509_STORE_add_cert(nint store, nint x509);

    [LibraryImport(Lib)]
    public static partial nint X509_STORE_CTX_new();

    [LibraryImport(Lib)]
    public static partial void X509_STORE_CTX_free(nint context);

    [LibraryImport(Lib)]
    public static partial int X509_STORE_CTX_init(nint context, nint store, nint leaf, nint untrusted);

    [LibraryImport(Lib)]
    public static partial void X509_STORE_CTX_set_time(nint context, nuint flags, long time);

    [LibraryImport(Lib)]
    public static partial int X509_verify_cert(nint context);

    [LibraryImport(Lib)]
    public static partial nint X509_STORE_CTX_get0_chain(nint context);

    [LibraryImport(Lib)]
    public static partial nint EVP_sha256();

    [LibraryImport(Lib)]
    public static partial int EVP_Digest(byte* data, nuint count, byte* digest, uint* size, nint type, nint engine);
}
