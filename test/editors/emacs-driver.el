;;; emacs-driver.el --- drive hpclint's language server from Emacs/eglot with the README's configuration -*- lexical-binding: t -*-
;; Loads $HPCLINT_EMACS_CONFIG, opens each recipe, connects through the mode hook (eglot-ensure), waits
;; for hpclint's diagnostics, hovers, requests code actions, applies the fix, waits for the finding to go,
;; and writes a JSON report to $HPCLINT_EMACS_REPORT.
(require 'cl-lib)
(require 'json)
(require 'eglot)
(require 'dockerfile-mode nil t)
(load (getenv "HPCLINT_EMACS_CONFIG") nil t)

(defvar hpclint-published (make-hash-table :test #'equal) "URI → list of diagnostics (plists).")
(defvar hpclint-log-errors nil)

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics &allow-other-keys)
  (puthash uri (append diagnostics nil) hpclint-published))
(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql window/logMessage)) &key type message &allow-other-keys)
  (when (eql type 1) (push message hpclint-log-errors)))

(defun hpclint-wait (predicate seconds)
  (let ((deadline (+ (float-time) seconds)) (done nil))
    (while (and (not (setq done (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    done))

(defun hpclint-findings (uri code)
  (cl-remove-if-not (lambda (d) (and (equal (plist-get d :source) "hpclint") (equal (plist-get d :code) code)))
                    (gethash uri hpclint-published)))

(defun hpclint-position (position)
  (save-excursion
    (goto-char (point-min))
    (forward-line (plist-get position :line))
    (forward-char (plist-get position :character))
    (point)))

(defun hpclint-exercise (path code fix-regexp)
  (let ((entry (list (cons 'path path) (cons 'code code))))
    (find-file path)
    (push (cons 'mode (symbol-name major-mode)) entry)
    ;; eglot-ensure connects from post-command-hook, which batch mode never runs by itself.
    (run-hooks 'post-command-hook)
    (let* ((uri (eglot--path-to-uri path))
           (got (hpclint-wait (lambda () (hpclint-findings uri code)) 30)))
      (push (cons 'got_diagnostics (and got t)) entry)
      (push (cons 'managed (and eglot--managed-mode t)) entry)
      (when got
        (let* ((server (eglot--current-server-or-lose))
               (finding (car got))
               (range (plist-get finding :range)))
          (push (cons 'range range) entry)
          (push (cons 'language_id (eglot--language-id server)) entry)
          (goto-char (hpclint-position (plist-get range :start)))
          (let ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams))))
            (push (cons 'hover (format "%S" (plist-get hover :contents))) entry))
          (let* ((actions (append (jsonrpc-request server :textDocument/codeAction
                                                   (list :textDocument (eglot--TextDocumentIdentifier)
                                                         :range range
                                                         :context (list :diagnostics (vector finding))))
                                  nil))
                 (chosen (cl-find-if (lambda (a) (and (plist-get a :edit) (string-match-p fix-regexp (plist-get a :title)))) actions)))
            (push (cons 'actions (vconcat (mapcar (lambda (a) (plist-get a :title)) actions))) entry)
            (when chosen
              (push (cons 'applied (plist-get chosen :title)) entry)
              (eglot--apply-workspace-edit (plist-get chosen :edit))
              ;; Eglot sends didChange from an idle timer, which batch mode never runs by itself.
              (eglot--signal-textDocument/didChange)
              (push (cons 'fixed_away (and (hpclint-wait (lambda () (null (hpclint-findings uri code))) 30) t)) entry)
              (push (cons 'line_after_fix
                          (save-excursion
                            (goto-char (hpclint-position (plist-get range :start)))
                            (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
                    entry)
              (save-buffer))))))
    entry))

(let ((report nil))
  (condition-case err
      (progn
        (push (hpclint-exercise (getenv "HPCLINT_EMACS_DOCKERFILE") "HPC-PORT-001" "march") report)
        (push (hpclint-exercise (getenv "HPCLINT_EMACS_DEFFILE") "HPC-DEF-005" "%environment") report))
    (error (push (list (cons 'error (error-message-string err))) report)))
  (dolist (server (hash-table-values eglot--servers-by-project))
    (dolist (s server) (ignore-errors (eglot-shutdown s))))
  (with-temp-file (getenv "HPCLINT_EMACS_REPORT")
    (insert (json-encode (list (cons 'files (vconcat (nreverse report)))
                               (cons 'log_errors (vconcat hpclint-log-errors)))))))
