using System.Security.Cryptography;

namespace MiniMesos.Net.Security;

/// <summary>
/// What the replicated state keeps secret (the CA's private key, a rotated agent secret): AES-256-GCM under a key derived by
/// HKDF-SHA256 from the admin secret with a fresh salt and a per-use label, so a copy of the state alone yields nothing.
/// Layout (docs/protocol.md, "TLS"): 1 (format) | salt (16) | nonce (12) | tag (16) | ciphertext.
/// </summary>
internal static class SecretSeal
{
    private const byte Format = 1;
    private const int SaltBytes = 16;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public static byte[] Seal(ReadOnlySpan<byte> plain, byte[] adminSecret, byte[] label, ReadOnlySpan<byte> associatedData)
    {
        var sealedBytes = new byte[1 + SaltBytes + NonceBytes + TagBytes + plain.Length];
        sealedBytes[0] = Format;
        var salt = sealedBytes.AsSpan(1, SaltBytes);
        var nonce = sealedBytes.AsSpan(1 + SaltBytes, NonceBytes);
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(DeriveKey(adminSecret, salt, label), TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(1 + SaltBytes + NonceBytes + TagBytes), sealedBytes.AsSpan(1 + SaltBytes + NonceBytes, TagBytes),
            associatedData);
        return sealedBytes;
    }

    /// <summary>The plain bytes (the caller zeroes them); <paramref name="what"/> names the secret in the error a wrong admin secret gives.</summary>
    public static byte[] Unseal(byte[] sealedBytes, byte[] adminSecret, byte[] label, ReadOnlySpan<byte> associatedData, string what)
    {
        if (sealedBytes.Length < 1 + SaltBytes + NonceBytes + TagBytes || sealedBytes[0] != Format)
            throw new CryptographicException($"{what} has an unknown sealed format (written by a newer minimesos?)");
        var salt = sealedBytes.AsSpan(1, SaltBytes);
        var nonce = sealedBytes.AsSpan(1 + SaltBytes, NonceBytes);
        var tag = sealedBytes.AsSpan(1 + SaltBytes + NonceBytes, TagBytes);
        var ciphertext = sealedBytes.AsSpan(1 + SaltBytes + NonceBytes + TagBytes);
        var plain = new byte[ciphertext.Length];
        using var aes = new AesGcm(DeriveKey(adminSecret, salt, label), TagBytes);
        try
        {
            aes.Decrypt(nonce, ciphertext, tag, plain, associatedData);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CryptographicException($"cannot unseal {what}: this master's cluster secret is not the one it was sealed under");
        }
        return plain;
    }

    private static byte[] DeriveKey(byte[] secret, ReadOnlySpan<byte> salt, byte[] label)
    {
        var key = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, key, salt, label);
        return key;
    }
}
