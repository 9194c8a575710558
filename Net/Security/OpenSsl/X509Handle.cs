using System.Runtime.InteropServices;

namespace MiniMesos.Net.Security.OpenSsl;

/// <summary>A certificate in OpenSSL's form (an X509*) holding one reference, released with the handle.</summary>
internal sealed unsafe class X509Handle : SafeHandle
{
    private X509Handle(nint pointer) : base(0, ownsHandle: true) => SetHandle(pointer);

    public override bool IsInvalid => handle == 0;

    public nint Pointer => handle;

    /// <summary>Takes over a reference the caller owns (from a *get1* call or d2i); null for a null pointer.</summary>
    public static X509Handle? Own(nint pointer) => pointer == 0 ? null : new X509Handle(pointer);

    /// <summary>The certificate of <paramref name="der"/>, or null when it is not one.</summary>
    public static X509Handle? FromDer(ReadOnlySpan<byte> der)
    {
        fixed (byte* start = der)
        {
            var cursor = start;
            var pointer = LibCrypto.d2i_X509(0, &cursor, der.Length);
            if (pointer == 0) LibCrypto.ERR_clear_error();
            return Own(pointer);
        }
    }

    /// <summary>The DER encoding of the certificate at <paramref name="pointer"/>.</summary>
    public static byte[] Der(nint pointer)
    {
        var length = LibCrypto.i2d_X509(pointer, null);
        if (length <= 0) throw new InvalidDataException("OpenSSL could not encode a certificate");
        var der = new byte[length];
        fixed (byte* start = der)
        {
            var cursor = start;
            LibCrypto.i2d_X509(pointer, &cursor);
        }
        return der;
    }

    protected override bool ReleaseHandle()
    {
        LibCrypto.X509_free(handle);
        return true;
    }
}
