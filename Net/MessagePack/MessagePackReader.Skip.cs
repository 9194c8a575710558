namespace MiniMesos.Net.MessagePack;

/// <summary>Skipping whole values without building them (kept apart to keep the reader file readable).</summary>
internal ref partial struct MessagePackReader
{
    /// <summary>Skips one complete value of any kind, iteratively, enforcing MaxDepth.</summary>
    public void Skip()
    {
        int maxDepth = _limits.MaxDepth;
        // pending[d] = values still to skip at nesting level d; level 0 is the value itself.
        Span<long> pending = maxDepth < 128 ? stackalloc long[maxDepth + 1] : new long[maxDepth + 1];
        int depth = 0;
        pending[0] = 1;
        while (true)
        {
            while (pending[depth] == 0)
            {
                if (depth == 0)
                    return;
                depth--;
            }
            pending[depth]--;
            int start = _pos;
            byte code = PeekCode();
            switch (MessagePackCode.TypeOf(code))
            {
                case MessagePackType.Array:
                case MessagePackType.Map:
                    bool isMap = MessagePackCode.TypeOf(code) == MessagePackType.Map;
                    long items = isMap ? 2L * ReadMapHeader() : ReadArrayHeader();
                    if (depth + 1 > maxDepth)
                        throw DepthExceeded(start);
                    if (items > 0)
                        pending[++depth] = items;
                    break;
                default:
                    SkipScalar(code);
                    break;
            }
        }
    }

    /// <summary>The encoded bytes of the next complete value (validated by skipping it).</summary>
    public ReadOnlySpan<byte> ReadRaw()
    {
        int start = _pos;
        Skip();
        return _data[start.._pos];
    }

    internal readonly MessagePackException DepthExceeded(int offset) =>
        new($"nesting deeper than the limit of {_limits.MaxDepth}", offset);

    private void SkipScalar(byte code)
    {
        int start = _pos;
        switch (MessagePackCode.TypeOf(code))
        {
            case MessagePackType.Nil:
            case MessagePackType.Boolean:
                _pos++;
                return;
            case MessagePackType.Integer:
                ReadIntegerCore();
                return;
            case MessagePackType.Float:
                ReadDouble();
                return;
            case MessagePackType.Binary:
                ReadBinarySpan();
                return;
            case MessagePackType.Extension:
                ReadExtension();
                return;
            case MessagePackType.String:
                // Skipping does not validate UTF-8: the bytes are not interpreted.
                int headerSize;
                uint length;
                if (code <= 0xbf)
                    (headerSize, length) = (1, (uint)(code & 0x1f));
                else
                    (headerSize, length) = code switch
                    {
                        MessagePackCode.Str8 => (2, ReadLengthField(1, code)),
                        MessagePackCode.Str16 => (3, ReadLengthField(2, code)),
                        _ => (5, ReadLengthField(4, code)),
                    };
                if (length > (uint)_limits.MaxStringBytes)
                    throw new MessagePackException($"string of {length} bytes exceeds the limit of {_limits.MaxStringBytes} bytes", start);
                TakeBody(headerSize, length, "string", start);
                return;
            default:
                throw Unexpected("scalar", code);
        }
    }
}
