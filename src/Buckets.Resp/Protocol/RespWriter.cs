using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Buckets.Abstractions.Commands;

namespace Buckets.Resp.Protocol;

/// <summary>Writes RESP replies (RESP2, or RESP3 after <c>HELLO 3</c>) into a connection's output.</summary>
public static class RespWriter
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();

    public static void Ok(IBufferWriter<byte> output) => output.Write("+OK\r\n"u8);

    /// <summary>A simple string; <paramref name="text"/> must hold no CR or LF.</summary>
    public static void Status(IBufferWriter<byte> output, string text)
    {
        output.Write("+"u8);
        Ascii(output, text);
        output.Write(CrLf);
    }

    /// <summary>An error line (<c>-CODE message</c>); line breaks in <paramref name="line"/> become spaces so the frame stays one line.</summary>
    public static void Error(IBufferWriter<byte> output, string line)
    {
        output.Write("-"u8);
        Ascii(output, line.Replace('\r', ' ').Replace('\n', ' '));
        output.Write(CrLf);
    }

    public static void Number(IBufferWriter<byte> output, long value)
    {
        output.Write(":"u8);
        Digits(output, value);
        output.Write(CrLf);
    }

    public static void Bulk(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        output.Write("$"u8);
        Digits(output, value.Length);
        output.Write(CrLf);
        output.Write(value);
        output.Write(CrLf);
    }

    public static void Bulk(IBufferWriter<byte> output, string value) => Bulk(output, Encoding.UTF8.GetBytes(value));

    /// <summary>The null reply: <c>$-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public static void Null(IBufferWriter<byte> output, int protocol) => output.Write(protocol >= 3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>The null array of RESP2 (<c>*-1</c>, EXEC after a watched key changed); <c>_</c> in RESP3.</summary>
    public static void NullArray(IBufferWriter<byte> output, int protocol) => output.Write(protocol >= 3 ? "_\r\n"u8 : "*-1\r\n"u8);

    /// <summary>A push header in RESP3 (<c>&gt;N</c>: pub/sub messages), an array header in RESP2.</summary>
    public static void PushHeader(IBufferWriter<byte> output, int count, int protocol)
    {
        output.Write(protocol >= 3 ? ">"u8 : "*"u8);
        Digits(output, count);
        output.Write(CrLf);
    }

    public static void ArrayHeader(IBufferWriter<byte> output, int count)
    {
        output.Write("*"u8);
        Digits(output, count);
        output.Write(CrLf);
    }

    /// <summary>A map header in RESP3 (<c>%N</c>), a flat array of 2N items in RESP2.</summary>
    public static void MapHeader(IBufferWriter<byte> output, int pairs, int protocol)
    {
        if (protocol >= 3)
        {
            output.Write("%"u8);
            Digits(output, pairs);
            output.Write(CrLf);
        }
        else
        {
            ArrayHeader(output, pairs * 2);
        }
    }

    /// <summary>A bucket's reply as RESP.</summary>
    public static void Reply(IBufferWriter<byte> output, KeyReply reply, int protocol)
    {
        switch (reply.Kind)
        {
            case KeyReplyKind.Ok:
                Ok(output);
                break;
            case KeyReplyKind.Status:
                output.Write("+"u8);
                output.Write(reply.Bytes);
                output.Write(CrLf);
                break;
            case KeyReplyKind.Null:
                Null(output, protocol);
                break;
            case KeyReplyKind.Number:
                Number(output, reply.Number);
                break;
            case KeyReplyKind.Bulk:
                Bulk(output, reply.Bytes);
                break;
            case KeyReplyKind.Array:
                ArrayHeader(output, reply.Items!.Count);
                foreach (var item in reply.Items)
                {
                    Reply(output, item, protocol);
                }

                break;
            default:
                Error(output, reply.Error ?? "ERR");
                break;
        }
    }

    private static void Digits(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    private static void Ascii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
