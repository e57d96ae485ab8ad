// The public form's proof of work (publishing/intake.py): find a number whose SHA-256 with
// the form's token starts with 16 zero bits, so that sending thousands of forms costs
// thousands of seconds. Nothing is sent anywhere; without this script the form still
// works, it just asks for a longer wait before sending.
document.addEventListener("DOMContentLoaded", async () => {
  const form = document.querySelector("form[data-work]");
  if (!form || !window.crypto || !window.crypto.subtle) return;
  const token = form.querySelector("input[name=token]").value;
  const nonce = form.querySelector("input[name=nonce]");
  const encoder = new TextEncoder();
  for (let n = 0; n < 50000000; n++) {
    const digest = new Uint8Array(
      await window.crypto.subtle.digest("SHA-256", encoder.encode(token + ":" + n))
    );
    if (digest[0] === 0 && digest[1] === 0) {
      nonce.value = String(n);
      return;
    }
  }
});
