/* serial.c - the COM1 UART (16550), nest's main console.
 *
 * Output is polled: a kernel message must reach the screen even when interrupts are off or
 * the kernel is dying. Input raises IRQ 4; each received byte goes to the console tty.
 */
#include "arch.h"
#include "printk.h"
#include "x86.h"

#define COM1 0x3f8
#define REG_DATA 0
#define REG_INTERRUPT_ENABLE 1
#define REG_FIFO 2
#define REG_LINE_CONTROL 3
#define REG_MODEM_CONTROL 4
#define REG_LINE_STATUS 5
#define LINE_STATUS_DATA_READY 0x01
#define LINE_STATUS_TX_EMPTY 0x20

static bool serial_present;

static void serial_putc(char c)
{
    for (int spin = 0; spin < 100000 && !(inb(COM1 + REG_LINE_STATUS) & LINE_STATUS_TX_EMPTY); spin++)
        ;
    outb(COM1 + REG_DATA, (uint8_t)c);
}

/* Write text, turning "\n" into "\r\n" as a terminal expects. */
void serial_write(const char *text, size_t len)
{
    if (!serial_present)
        return;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            serial_putc('\r');
        serial_putc(text[i]);
    }
}

/* Set COM1 to 115200 baud, 8 data bits, no parity, one stop bit, FIFOs on. */
void serial_init(void)
{
    outb(COM1 + REG_INTERRUPT_ENABLE, 0x00);
    outb(COM1 + REG_LINE_CONTROL, 0x80); /* DLAB: the next two registers are the divisor */
    outb(COM1 + 0, 1);                   /* 115200 / 1 */
    outb(COM1 + 1, 0);
    outb(COM1 + REG_LINE_CONTROL, 0x03); /* 8N1 */
    outb(COM1 + REG_FIFO, 0xc7);         /* enable and clear FIFOs, 14-byte threshold */
    outb(COM1 + REG_MODEM_CONTROL, 0x0b); /* DTR, RTS, OUT2 (lets the UART interrupt) */
    serial_present = inb(COM1 + REG_LINE_STATUS) != 0xff;
    console_register_sink(serial_write);
}

/* Start delivering received bytes through IRQ 4. */
void serial_enable_input(void)
{
    outb(COM1 + REG_INTERRUPT_ENABLE, 0x01); /* interrupt when data is ready */
    irq_unmask(IRQ_COM1);
}

/* IRQ 4: hand every waiting byte to the console tty. */
void serial_interrupt(void)
{
    while (inb(COM1 + REG_LINE_STATUS) & LINE_STATUS_DATA_READY)
        tty_input_byte((char)inb(COM1 + REG_DATA));
}
